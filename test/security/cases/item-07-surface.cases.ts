import type { AttackCase } from '../harness/types';

/**
 * Issue 17 item 7: the production surface. The webhook flood (601 requests → 429 with Retry-After) and slow
 * clients (30 s deadlines) are tested in test/platform/production-surface.spec.ts and test/platform/listen.spec.ts
 * with their own instance: here the first would block the table's webhooks for a minute, the second take 30 s.
 */
export const cases: AttackCase[] = [
  {
    item: 7,
    attack: 'an outsider maps the API through /api/docs and /api/docs-json on a production instance',
    refusal: '404 for both: API_DOCS defaults to off in production',
    victim: 'A',
    run: async (ctx) => {
      for (const path of ['/api/docs', '/api/docs-json']) {
        expect((await ctx.http({ method: 'GET', path })).status).toBe(404);
      }
    },
  },
  {
    item: 7,
    attack: 'the service pins browsers to HTTPS for its whole host on its own',
    refusal: "no Strict-Transport-Security header: HSTS is the ingress's (HSTS defaults to off)",
    victim: 'A',
    run: async (ctx) => {
      const res = await ctx.http({ method: 'GET', path: '/health/live' });
      expect(res.status).toBe(200);
      expect(res.headers.get('strict-transport-security')).toBeNull();
    },
  },
];
