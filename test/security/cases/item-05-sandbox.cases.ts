import { signWebhookBody } from '../../../src/modules/notification/domain/webhook-signature';
import { SANDBOX_ADMIN_SECRET } from '../../../src/platform/settings';
import type { AttackCase } from '../harness/types';

/**
 * Issue 17 item 5: the built-in sandbox secret is public in the source, so nothing signed with it is authentic.
 * That production refuses to start in the sandbox unless `KALTURA_MODE=sandbox` is explicit is a start-up check,
 * not a row: test/e2e/process.spec.ts spawns the built service for it, test/deploy/compose.spec.ts checks the
 * compose file, and test/platform/production-surface.spec.ts covers a production sandbox's webhook refusal.
 */
const EVENT = JSON.stringify({
  eventNotificationJobId: 55001,
  eventType: 3,
  eventObjectType: 1,
  object: { objectType: 'KalturaMediaEntry', id: '0_sandboxforged', status: 2 },
});

export const cases: AttackCase[] = [
  {
    item: 5,
    attack: 'a webhook is signed with the built-in sandbox secret, public in the source',
    refusal:
      '401 WEBHOOK_SIGNATURE_INVALID: a live instance checks the partner secret, never the sandbox one',
    run: async (ctx) => {
      for (const algorithm of ['sha1', 'sha256'] as const) {
        const res = await ctx.http({
          method: 'POST',
          path: '/api/v1/webhooks/kaltura',
          headers: {
            'content-type': 'application/json',
            'x-kaltura-signature': signWebhookBody(SANDBOX_ADMIN_SECRET, EVENT, algorithm),
            'x-kaltura-hash-algo': algorithm,
          },
          body: EVENT,
        });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      }
    },
  },
];
