import type { RetryPolicy } from './domain/retry-policy';

/** Tuning of intake and delivery. Defaults suit production; tests override the provider. */
export interface NotificationOptions {
  retry: RetryPolicy;
  /** Parallel deliveries per process. */
  concurrency: number;
  /** Per Discord request. */
  requestTimeoutMs: number;
  /** Rate-limit waits up to this are slept inside the request; longer ones reschedule the job. */
  rateLimitWaitMaxMs: number;
  channelCacheTtlMs: number;
  /** Queue operations (enqueue, depth) that take longer fail (the webhook then answers 503). */
  queueTimeoutMs: number;
  /** How long shutdown waits for running deliveries. */
  closeTimeoutMs: number;
  /** How often unfinished events and notifications are re-enqueued (recovery after a crash); 0 = only at start. */
  recoveryIntervalMs: number;
  /** Processing attempts of a stored webhook event before it is marked failed. */
  eventAttempts: number;
  /** BullMQ key prefix and queue name. */
  queuePrefix: string;
  queueName: string;
  /**
   * BullMQ (Redis queue) only: how a job held by a worker that died (SIGKILL, OOM, lost node) reaches another
   * worker. A running job is locked for `lockDurationMs`, the lock renewed every half of it while its process
   * lives. Every `stalledIntervalMs` one worker (of all replicas) marks the running jobs and moves back to the
   * queue those marked at the previous check whose lock has expired; a job may stall `maxStalledCount` times
   * (one more fails it, and the recovery sweep re-queues its notification from storage). A crashed process's
   * job is back in the queue at most `stalledIntervalMs` after the later of its lock's expiry (≤
   * `lockDurationMs` after the crash) and the first stalled check after the crash (a live replica's, or the
   * restarted process's first): ≤ 60 s after the crash with the defaults and a replica alive. Nothing is posted
   * twice: the delivery lease (`leaseMs`) and the message nonce decide that, not the lock. A shorter lock
   * recovers sooner but also takes jobs from a live process whose event loop stalls that long (they then wait
   * for the lease). Defaults: BullMQ's (30 s, 30 s, 1).
   */
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /**
   * The recording reconciler (`RecordingReconciler`): for `windowMs` after a meeting ends it looks for the
   * meeting's recordings in Kaltura every `intervalMs` (0: never on its own), in case the webhook is lost.
   */
  recordings: { windowMs: number; intervalMs: number };
}

export const NOTIFICATION_OPTIONS = Symbol('NOTIFICATION_OPTIONS');

export const DEFAULT_NOTIFICATION_OPTIONS: NotificationOptions = {
  // 1 s, 2 s, 4 s … capped at 10 min: ten attempts span about 17 minutes of Discord trouble.
  retry: { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 600_000, jitter: 0.2 },
  concurrency: 5,
  requestTimeoutMs: 10_000,
  rateLimitWaitMaxMs: 2_000,
  channelCacheTtlMs: 600_000,
  queueTimeoutMs: 3_000,
  closeTimeoutMs: 10_000,
  recoveryIntervalMs: 60_000,
  eventAttempts: 5,
  queuePrefix: 'kd:notification',
  queueName: 'delivery',
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 1,
  // Kaltura makes a recording available minutes to about an hour after the session (longer meetings take longer).
  recordings: { windowMs: 6 * 3_600_000, intervalMs: 120_000 },
};

/** Time a delivery attempt may hold its lease: the request, a slept rate limit, and slack. */
export function leaseMs(options: NotificationOptions): number {
  return options.requestTimeoutMs * 2 + options.rateLimitWaitMaxMs + 5_000;
}
