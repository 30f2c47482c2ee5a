import type { RetryPolicy } from '../notification';

/** Tuning of outgoing webhooks (not environment variables: tests and tools override the provider). */
export interface WebhooksOutOptions {
  /** Each request (connect, send, answer) is cut after this. */
  requestTimeoutMs: number;
  /** Attempts per delivery (the first included) and the backoff between them. */
  retry: RetryPolicy;
  /** A `Retry-After` longer than this is capped (a receiver cannot park a job for days). */
  maxRetryAfterMs: number;
  /** Failed requests in a row after which the endpoint is disabled and the guild's admins are told. */
  disableAfterFailures: number;
  /** Endpoints a guild may register. */
  maxEndpointsPerGuild: number;
  /** Requests in flight per process. */
  concurrency: number;
  queuePrefix: string;
  queueName: string;
  queueTimeoutMs: number;
  closeTimeoutMs: number;
  /** BullMQ stalled-job settings (see `NotificationOptions`); unset: BullMQ's defaults. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
}

export const WEBHOOKS_OUT_OPTIONS = Symbol('WEBHOOKS_OUT_OPTIONS');

export const DEFAULT_WEBHOOKS_OUT_OPTIONS: WebhooksOutOptions = {
  requestTimeoutMs: 10_000,
  // 8 attempts, 5 s doubling to 30 min: about an hour of retries before a delivery is dead.
  retry: { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000, jitter: 0.2 },
  maxRetryAfterMs: 60 * 60_000,
  disableAfterFailures: 50,
  maxEndpointsPerGuild: 10,
  concurrency: 50,
  queuePrefix: 'kd:webhooks-out',
  queueName: 'deliveries',
  queueTimeoutMs: 2_000,
  closeTimeoutMs: 10_000,
};

/** The resolver the SSRF guard uses (the system's; tests may map names of their own). */
export const TARGET_RESOLVER = Symbol('TARGET_RESOLVER');
