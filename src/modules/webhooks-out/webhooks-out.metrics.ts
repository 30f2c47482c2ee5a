import type { Provider } from '@nestjs/common';
import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/** Metric names (fixed: dashboards and alerts use them). */
export const WEBHOOKS_OUT_METRICS = {
  attempts: 'kd_webhooks_out_attempts_total',
  seconds: 'kd_webhooks_out_request_seconds',
  disabled: 'kd_webhooks_out_endpoints_disabled_total',
} as const;

/** `outcome` of `kd_webhooks_out_attempts_total`. */
export type WebhookAttemptOutcome =
  | 'delivered'
  | 'server_error'
  | 'rate_limited'
  | 'network_error'
  | 'rejected'
  | 'refused_target'
  | 'dead'
  | 'skipped';

export function webhooksOutMetricProviders(): Provider[] {
  return [
    makeCounterProvider({
      name: WEBHOOKS_OUT_METRICS.attempts,
      help: 'Outgoing webhook requests by outcome (dead: the last attempt failed; skipped: endpoint gone or disabled).',
      labelNames: ['outcome'],
    }),
    makeHistogramProvider({
      name: WEBHOOKS_OUT_METRICS.seconds,
      help: 'Seconds an outgoing webhook request took (until the answer or the failure).',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    makeCounterProvider({
      name: WEBHOOKS_OUT_METRICS.disabled,
      help: 'Outgoing webhook endpoints disabled after repeated failures.',
    }),
  ];
}
