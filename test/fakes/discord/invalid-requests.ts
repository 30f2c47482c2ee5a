import type { RecordedCall } from './types';

/** Discord's invalid-request window and limit (topics/rate-limits.mdx, "Invalid Request Limit"). */
export const INVALID_REQUEST_WINDOW_MS = 10 * 60_000;
export const INVALID_REQUEST_LIMIT = 10_000;

/**
 * How many recorded calls Discord would count toward its invalid-request limit in the last window: answers 401,
 * 403 and 429, except a 429 with `X-RateLimit-Scope: shared`. The fake only counts; it does not ban.
 */
export function invalidRequestCount(
  calls: readonly RecordedCall[],
  now = Date.now(),
  windowMs = INVALID_REQUEST_WINDOW_MS,
): number {
  return calls.filter(
    (call) =>
      call.at > now - windowMs &&
      (call.status === 401 ||
        call.status === 403 ||
        (call.status === 429 && call.rateLimitScope !== 'shared')),
  ).length;
}
