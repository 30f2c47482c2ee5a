import { createHash } from 'node:crypto';
import request from 'supertest';
import { parseWebhookBody } from '../../src/modules/notification/domain/webhook-payload';
import {
  signWebhookBody,
  verifyWebhookSignature,
} from '../../src/modules/notification/domain/webhook-signature';
import { TestApp, bootTestApp } from '../support/app';
import { extendHash, mdPadding } from '../support/sha-length-extension';

/**
 * Kaltura signs `hash(secret + body)`, not an HMAC, so anyone holding one signed webhook can sign `body + padding
 * + anything` without the secret (docs/security.md, "Kaltura webhook signatures"). These tests build that
 * forgery and pin why the service still refuses it: the padding is never valid UTF-8.
 */
const SECRET = 'k'.repeat(32); // Kaltura admin secrets are 32 hex characters: the length is no secret.
const data = (json: object) => `data=${encodeURIComponent(JSON.stringify(json))}`;
const ORIGINAL = Buffer.from(
  data({ eventNotificationJobId: 9001, eventType: 3, eventObjectType: 1, object: {} }),
);
const SUFFIX = Buffer.from(
  `&${data({ eventNotificationJobId: 9002, eventType: 3, eventObjectType: 1, object: { objectType: 'KalturaMediaEntry', id: '0_forged', status: 2 } })}`,
);

describe.each(['sha1', 'sha256'] as const)('length extension of the %s webhook signature', (algorithm) => {
  const captured = signWebhookBody(SECRET, ORIGINAL, algorithm);
  const forged = extendHash({
    algorithm,
    digestHex: captured,
    secretLength: SECRET.length,
    message: ORIGINAL,
    suffix: SUFFIX,
  });

  it('forges a valid signature without the secret (the helper agrees with node:crypto)', () => {
    for (const length of [0, 1, 31, 55, 56, 63, 64, 200]) {
      const secret = 'z'.repeat(length);
      const f = extendHash({
        algorithm,
        digestHex: signWebhookBody(secret, ORIGINAL, algorithm),
        secretLength: length,
        message: ORIGINAL,
        suffix: SUFFIX,
      });
      expect(f.digestHex).toBe(createHash(algorithm).update(secret).update(f.body).digest('hex'));
    }
    // The scheme itself admits it: the forged body carries a valid signature.
    expect(
      verifyWebhookSignature({ body: forged.body, secret: SECRET, signature: forged.digestHex, algorithm }),
    ).toEqual({ ok: true, algorithm });
  });

  it('is refused only because the padding is not UTF-8: the same bytes read leniently would be accepted', () => {
    expect(mdPadding(SECRET.length + ORIGINAL.length)[0]).toBe(0x80);
    const strict = parseWebhookBody(forged.body, 'application/x-www-form-urlencoded');
    expect(strict).toMatchObject({
      ok: false,
      status: 400,
      code: 'MALFORMED_WEBHOOK',
      message: 'The body is not UTF-8 text.',
    });
    // What would make it succeed: decoding with replacement characters (or latin1) instead of refusing. The
    // padding becomes junk inside the first field, and the appended `data` field wins.
    const lenient = parseWebhookBody(
      Buffer.from(forged.body.toString('latin1'), 'utf8'),
      'application/x-www-form-urlencoded',
    );
    expect(lenient).toMatchObject({ ok: true, payload: { eventNotificationJobId: '9002' } });
  });
});

describe('the service refuses a length-extension forgery', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ KALTURA_WEBHOOK_SECRET: SECRET });
  });
  afterAll(() => t.close());
  const post = (body: Buffer, signature: string) =>
    request(t.app.getHttpServer())
      .post('/api/v1/webhooks/kaltura')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-KALTURA-SIGNATURE', signature)
      .set('X-KALTURA-HASH-ALGO', 'sha256')
      // The exact bytes: superagent would otherwise re-encode a form body.
      .serialize((raw: unknown) => raw as string)
      .send(body as unknown as string);

  it('answers 400 and stores nothing', async () => {
    const forged = extendHash({
      algorithm: 'sha256',
      digestHex: signWebhookBody(SECRET, ORIGINAL, 'sha256'),
      secretLength: SECRET.length,
      message: ORIGINAL,
      suffix: SUFFIX,
    });
    const res = await post(forged.body, forged.digestHex);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_WEBHOOK');
    // Job 9002 was never stored: Kaltura's own delivery of it is new, not a duplicate.
    const genuine = Buffer.from(SUFFIX.subarray(1));
    const stored = await post(genuine, signWebhookBody(SECRET, genuine, 'sha256'));
    expect(stored.status).toBe(200);
    expect(stored.body.duplicate).toBe(false);
  });
});
