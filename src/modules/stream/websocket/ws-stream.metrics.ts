import { Provider } from '@nestjs/common';
import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

/** Metric names (fixed: dashboards and alerts use them). Labels are bounded: no guild or user ids. */
export const WS_METRICS = {
  connections: 'kd_ws_connections',
  disconnects: 'kd_ws_disconnects_total',
  events: 'kd_ws_events_sent_total',
} as const;

export function wsMetricProviders(): Provider[] {
  return [
    makeGaugeProvider({
      name: WS_METRICS.connections,
      help: 'Open, authenticated WebSocket event-stream connections on this replica.',
    }),
    makeCounterProvider({
      name: WS_METRICS.disconnects,
      help: 'WebSocket event-stream connections the server ended, by reason: token_expired, slow_consumer, shutdown.',
      labelNames: ['reason'],
    }),
    makeCounterProvider({
      name: WS_METRICS.events,
      help: 'Domain events written to WebSocket connections, live and replayed.',
    }),
  ];
}
