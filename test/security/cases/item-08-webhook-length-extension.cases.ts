import { signWebhookBody } from '../../../src/modules/notification/domain/webhook-signature';
import { extendHash } from '../../support/sha-length-extension';
import type { AttackCase } from '../harness/types';

/**
 * Issue 17 item 8: Kaltura signs `hash(secret + body)`, so a captured signed webhook can be extended without the
 * secret (docs/security.md, "Kaltura webhook signatures"). The attacker here holds one genuine signed delivery
 * (made with the partner secret, as Kaltura would) and appends a `data` field that would replace the event.
 */
const data = (json: object) => `data=${encodeURIComponent(JSON.stringify(json))}`;

export const cases: AttackCase[] = [
  {
    item: 8,
    attack:
      'a captured Kaltura webhook is length-extended with a second data= field (valid signature, no secret)',
    refusal: '400 MALFORMED_WEBHOOK: the hash padding is not UTF-8; nothing is stored or posted',
    run: async (ctx) => {
      const secret = ctx.kaltura.adminSecret;
      const original = Buffer.from(
        data({ eventNotificationJobId: 56001, eventType: 3, eventObjectType: 1, object: {} }),
      );
      const suffix = Buffer.from(
        `&${data({ eventNotificationJobId: 56002, eventType: 3, eventObjectType: 1, object: { objectType: 'KalturaMediaEntry', id: '0_forged', status: 2 } })}`,
      );
      for (const algorithm of ['sha1', 'sha256'] as const) {
        const forged = extendHash({
          algorithm,
          digestHex: signWebhookBody(secret, original, algorithm),
          secretLength: Buffer.byteLength(secret),
          message: original,
          suffix,
        });
        const res = await ctx.http({
          method: 'POST',
          path: '/api/v1/webhooks/kaltura',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-kaltura-signature': forged.digestHex,
            'x-kaltura-hash-algo': algorithm,
          },
          body: forged.body,
        });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('MALFORMED_WEBHOOK');
      }
    },
  },
];
