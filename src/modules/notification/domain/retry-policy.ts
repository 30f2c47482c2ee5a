/** How failed deliveries are retried. */
export interface RetryPolicy {
  /** Attempts in total (the first one included) before a notification is dead. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** ±fraction of random spread, so retries from many notifications do not land together. */
  jitter: number;
}

/**
 * Delay before the attempt after `attemptsMade` failed ones: exponential with jitter, capped, and never shorter
 * than what Discord asked for (`retry_after`).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  const spread = capped * policy.jitter * (random() * 2 - 1);
  return Math.max(Math.round(capped + spread), Math.ceil(retryAfterMs), 0);
}
