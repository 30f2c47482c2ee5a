import { invalidRequestCount } from './invalid-requests';
import type { RecordedCall } from './types';

const call = (status: number, at: number, rateLimitScope?: RecordedCall['rateLimitScope']) =>
  ({ status, at, rateLimitScope }) as RecordedCall;

describe("fake Discord's invalid-request counter (rate-limits.mdx, Invalid Request Limit)", () => {
  it('counts 401, 403 and 429 (not shared-scope 429) within the last 10 minutes', () => {
    const now = 1_000_000_000;
    const calls = [
      call(401, now - 1),
      call(403, now - 2),
      call(429, now - 3, 'user'),
      call(429, now - 4, 'shared'),
      call(404, now - 5),
      call(200, now - 6),
      call(403, now - 11 * 60_000),
    ];
    expect(invalidRequestCount(calls, now)).toBe(3);
  });
});
