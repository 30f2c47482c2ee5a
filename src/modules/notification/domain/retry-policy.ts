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

/**
 * Longest wait before retrying a post whose outcome is unknown (timeout, reset, 5xx: Discord may have created the
 * message). The retry carries the same `nonce` with `enforce_nonce`, and Discord returns the existing message only
 * for a nonce seen "in the past few minutes" (message.mdx, Create Message; the exact window is not documented):
 * retrying within a minute keeps the retry inside it, so no second copy appears.
 */
export const NONCE_SAFE_RETRY_MAX_MS = 60_000;

/** `delayMs`, capped to the nonce window when the failed attempt may have posted; never below `retry_after`. */
export function nonceSafeDelayMs(delayMs: number, outcomeUnknown: boolean, retryAfterMs = 0): number {
  if (!outcomeUnknown) return delayMs;
  return Math.max(Math.min(delayMs, NONCE_SAFE_RETRY_MAX_MS), Math.ceil(retryAfterMs));
}
