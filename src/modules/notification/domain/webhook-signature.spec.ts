import { createHash } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'kd-webhook-secret';
const BODY =
  '{"eventNotificationJobId":9001,"eventType":3,"eventObjectType":1,"object":{"objectType":"KalturaMediaEntry","id":"0_abc123","status":2}}';
// Computed outside Node: printf '%s%s' "$SECRET" "$BODY" | openssl dgst -<algo> -r
const VECTORS = {
  sha1: '26b1ff416fa299dbe26fd6e7c9c77539939ca67a',
  sha256: '1f7ac402afa9372817a81244081bf2449cf2ba87bbdb5195607430a183023d73',
  sha512:
    '2b13bccbd5860ac64574d31b793b3e45ce1097d56b41d9931b1935fa4b7d869a60a90603af42b52e7a3f1300b1e4d3799e0d7fb5ec5bc83be8113589bfe5f6b1',
} as const;

/** kaltura/server (KAsyncDispatchHttpNotificationEngine): `$dataSig = sha1($secret . $curlData);` */
function referenceSignature(secret: string, data: string): string {
  return createHash('sha1')
    .update(secret + data)
    .digest('hex');
}

const verify = (
  body: string | Buffer,
  signature?: string | string[],
  algorithm?: string | string[],
  secret = SECRET,
) => verifyWebhookSignature({ body: Buffer.from(body), secret, signature, algorithm });

describe('Kaltura webhook signature', () => {
  it.each(Object.entries(VECTORS))('matches an independently computed %s vector', (algo, hex) => {
    expect(signWebhookBody(SECRET, BODY, algo as keyof typeof VECTORS)).toBe(hex);
    expect(verify(BODY, hex, algo)).toEqual({ ok: true, algorithm: algo });
  });

  it("agrees with the reference server's algorithm (sha1 of secret . data, no algorithm header)", () => {
    const data = 'data=%7B%22eventNotificationJobId%22%3A%2242%22%2C%22eventType%22%3A%223%22%7D';
    const reference = referenceSignature(SECRET, data);
    expect(reference).toBe('59db9d26f1d854fe7b19d32bb56cb1d73298512a');
    expect(verify(data, reference, undefined)).toEqual({ ok: true, algorithm: 'sha1' });
  });

  it('hashes bytes, not re-encoded text (UTF-8 secret and body)', () => {
    const hex = '68c93513e0fd38ac9b1a8e80ab702069199129fb90fafcb1dbf3e96c95d57c44';
    expect(verify('ünïcødé=✓', hex, 'sha256', 'sëcret').ok).toBe(true);
  });

  it('accepts upper-case hex and a differently cased algorithm name', () => {
    expect(verify(BODY, VECTORS.sha256.toUpperCase(), 'SHA256').ok).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    const other = signWebhookBody('not-the-secret', BODY, 'sha256');
    expect(verify(BODY, other, 'sha256')).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a body changed by one byte', () => {
    const changed = Buffer.from(BODY);
    changed[changed.length - 3] ^= 0x01;
    for (const [algo, hex] of Object.entries(VECTORS)) {
      expect(verify(changed, hex, algo)).toEqual({ ok: false, reason: 'mismatch' });
    }
  });

  it('refuses a missing or empty signature header', () => {
    expect(verify(BODY, undefined, 'sha1')).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verify(BODY, '', 'sha1')).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each(['md5', 'sha384', 'sha-256', 'none', ''])('refuses the unsupported algorithm "%s"', (algo) => {
    const hex = createHash(algo === 'sha384' ? 'sha384' : 'md5')
      .update(SECRET + BODY)
      .digest('hex');
    expect(verify(BODY, hex, algo)).toEqual({ ok: false, reason: 'unsupported_algorithm' });
  });

  it('refuses a digest that does not fit the announced algorithm, without comparing', () => {
    expect(verify(BODY, VECTORS.sha1, 'sha256')).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verify(BODY, 'zz'.repeat(20), 'sha1')).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verify(BODY, [VECTORS.sha1, VECTORS.sha1], 'sha1')).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
  });

  it('is not an HMAC: an HMAC of the body does not verify', async () => {
    const { createHmac } = await import('node:crypto');
    const hmac = createHmac('sha1', SECRET).update(BODY).digest('hex');
    expect(verify(BODY, hmac, 'sha1')).toEqual({ ok: false, reason: 'mismatch' });
  });
});
