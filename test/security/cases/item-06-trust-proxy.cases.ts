import type { AttackCase } from '../harness/types';

/**
 * Issue 17 item 6: the service runs with the production default `TRUST_PROXY` (none), so `X-Forwarded-For` from
 * the client is only a header. Two sign-in attempts claiming different addresses draw on one budget. (The full
 * 20-attempt run to 429 is in test/platform/production-surface.spec.ts: here it would lock the table's own
 * address out of /auth for a minute.)
 */
const attempt = (ctx: Parameters<AttackCase['run']>[0], forwardedFor: string) =>
  ctx.http({
    method: 'POST',
    path: '/api/v1/auth/token',
    headers: { 'x-forwarded-for': forwardedFor },
    body: { grant_type: 'api_key', api_key: 'kd_live_not-a-real-key' },
  });

export const cases: AttackCase[] = [
  {
    item: 6,
    attack: 'a client rotates X-Forwarded-For on POST /auth/token to get a fresh sign-in budget per request',
    refusal:
      'the forwarded address is ignored: both attempts count against one budget (remaining drops by one)',
    run: async (ctx) => {
      const first = await attempt(ctx, '10.66.0.1');
      const second = await attempt(ctx, '10.66.0.2');
      expect(first.status).toBeLessThan(500);
      expect(second.status).not.toBe(200);
      const remaining = (r: typeof first) => Number(r.headers.get('x-ratelimit-remaining-auth'));
      expect(Number.isInteger(remaining(first))).toBe(true);
      expect(remaining(second)).toBe(remaining(first) - 1);
    },
  },
];
