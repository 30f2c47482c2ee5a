import { Provider } from '@nestjs/common';
import {
  getToken,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { CircuitStateName, KalturaPort } from './kaltura.port';

/** Metric names (fixed: dashboards and alerts use them). */
export const KALTURA_METRICS = {
  calls: 'kd_kaltura_calls_total',
  duration: 'kd_kaltura_call_duration_seconds',
  circuit: 'kd_kaltura_circuit_state',
} as const;

/**
 * Outcome of one HTTP attempt (or of a call the open breaker refused). `rate_limited`: Kaltura's limiter answered
 * `ACTION_BLOCKED`, counted apart from `kaltura_error` because it is retried and is no fault of either side.
 */
export type KalturaCallOutcome =
  | 'success'
  | 'kaltura_error'
  | 'rate_limited'
  | 'timeout'
  | 'network_error'
  | 'http_error'
  | 'bad_response'
  | 'circuit_open';

/** Gauge values of `kd_kaltura_circuit_state`. */
export const CIRCUIT_STATE_VALUE: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/** What the adapter reports; a tiny interface so tests can construct the adapter without a registry. */
export interface KalturaCallMetrics {
  /** `seconds` is absent when no request was sent (breaker open). */
  observe(call: { service: string; action: string }, outcome: KalturaCallOutcome, seconds?: number): void;
}

export const NO_KALTURA_METRICS: KalturaCallMetrics = { observe: () => undefined };

export class PromKalturaCallMetrics implements KalturaCallMetrics {
  constructor(
    private readonly calls: Counter<string>,
    private readonly duration: Histogram<string>,
  ) {}

  observe(call: { service: string; action: string }, outcome: KalturaCallOutcome, seconds?: number): void {
    this.calls.inc({ service: call.service, action: call.action, outcome });
    if (seconds !== undefined) this.duration.observe({ service: call.service, action: call.action }, seconds);
  }
}

/** Injection token of the `KalturaCallMetrics` the module hands to the live adapter. */
export const KALTURA_CALL_METRICS = Symbol('KALTURA_CALL_METRICS');

/**
 * Prometheus providers: the call counter and histogram feed the adapter; the circuit gauge reads the port at
 * scrape time, so it is right even when no call has happened since the breaker's cool-down ended.
 */
export function kalturaMetricProviders(): Provider[] {
  return [
    makeCounterProvider({
      name: KALTURA_METRICS.calls,
      help: 'Kaltura API requests by service, action and outcome (one per HTTP attempt).',
      labelNames: ['service', 'action', 'outcome'],
    }),
    makeHistogramProvider({
      name: KALTURA_METRICS.duration,
      help: 'Duration of Kaltura API requests in seconds.',
      labelNames: ['service', 'action'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    makeGaugeProvider({
      name: KALTURA_METRICS.circuit,
      help: 'Kaltura circuit breaker: 0 closed, 1 half-open, 2 open.',
      inject: [KalturaPort],
      collect(this: Gauge<string>, port: KalturaPort) {
        this.set(CIRCUIT_STATE_VALUE[port.circuitState()]);
      },
    }),
    {
      provide: KALTURA_CALL_METRICS,
      useFactory: (calls: Counter<string>, duration: Histogram<string>) =>
        new PromKalturaCallMetrics(calls, duration),
      inject: [getToken(KALTURA_METRICS.calls), getToken(KALTURA_METRICS.duration)],
    },
  ];
}
