import request from 'supertest';
import {
  NotificationRepository,
  WebhookEventRepository,
  signWebhookBody,
  type WebhookHashAlgorithm,
} from '../../src/modules/notification';
import { bootTestApp, type TestApp } from '../support/app';
import { expectClientError, randomBytes } from './support';

/**
 * The webhook corpus: bodies (random bytes, truncated or wrong JSON, wrong content types, huge) and headers
 * (wrong signature encodings and algorithms, duplicated headers). Cases with a correct signature over a bad body
 * check the parser; the others check the signature gate. Every case: 4xx problem, no event or notification
 * stored, the process alive.
 */
const SECRET = 'bad-input-webhook-secret-0123456789';
const PATH = '/api/v1/webhooks/kaltura';

interface WebhookCase {
  name: string;
  body: Buffer | string;
  contentType?: string | null;
  /** `sign`: a correct signature over the body with this algorithm; otherwise the header values as given. */
  sign?: WebhookHashAlgorithm;
  signature?: string | string[];
  algorithm?: string | string[];
  expect?: number[];
}

const event = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventNotificationJobId: 9_000_001,
    eventType: 3,
    eventObjectType: 1,
    objectType: 'KalturaHttpNotification',
    object: { objectType: 'KalturaMediaEntry', id: '0_bad', status: 2, referenceId: 'a1B2c3D4e5' },
    ...extra,
  });
const good = event();
const sha256 = (body: string | Buffer) => signWebhookBody(SECRET, body, 'sha256');

const signatureCases: WebhookCase[] = [
  { name: 'no signature', body: good },
  { name: 'empty signature', body: good, signature: '' },
  {
    name: 'signature with the wrong secret',
    body: good,
    signature: signWebhookBody('nope', good, 'sha256'),
    algorithm: 'sha256',
  },
  {
    name: 'signature of another body',
    body: good,
    signature: sha256(event({ eventType: 4 })),
    algorithm: 'sha256',
  },
  {
    name: 'signature base64 instead of hex',
    body: good,
    signature: Buffer.from(sha256(good), 'hex').toString('base64'),
    algorithm: 'sha256',
  },
  {
    name: 'signature upper-case hex of a wrong digest',
    body: good,
    signature: 'A'.repeat(64),
    algorithm: 'sha256',
  },
  { name: 'signature truncated', body: good, signature: sha256(good).slice(0, 63), algorithm: 'sha256' },
  { name: 'signature with a 0x prefix', body: good, signature: `0x${sha256(good)}`, algorithm: 'sha256' },
  { name: 'signature not hex', body: good, signature: 'z'.repeat(64), algorithm: 'sha256' },
  { name: 'signature 10,000 chars', body: good, signature: 'a'.repeat(10_000), algorithm: 'sha256' },
  { name: 'sha256 digest announced as sha1', body: good, signature: sha256(good), algorithm: 'sha1' },
  { name: 'unknown algorithm md5', body: good, signature: sha256(good), algorithm: 'md5' },
  { name: 'algorithm "none"', body: good, signature: sha256(good), algorithm: 'none' },
  {
    name: 'duplicate signature headers',
    body: good,
    signature: [sha256(good), sha256(good)],
    algorithm: 'sha256',
  },
  { name: 'duplicate algorithm headers', body: good, signature: sha256(good), algorithm: ['sha256', 'sha1'] },
  { name: 'random bytes, unsigned', body: randomBytes(4096, 11), contentType: 'application/octet-stream' },
];

const signedBodyCases: WebhookCase[] = [
  { name: 'random bytes', body: randomBytes(4096, 5), sign: 'sha256' },
  { name: 'truncated JSON', body: good.slice(0, good.length / 2), sign: 'sha256' },
  { name: 'JSON null', body: 'null', sign: 'sha256' },
  { name: 'JSON array', body: `[${good}]`, sign: 'sha256' },
  { name: 'JSON string', body: '"hello"', sign: 'sha256' },
  {
    name: 'eventNotificationJobId an object',
    body: event({ eventNotificationJobId: { $gt: 0 } }),
    sign: 'sha256',
  },
  { name: 'eventNotificationJobId negative', body: event({ eventNotificationJobId: -1 }), sign: 'sha256' },
  {
    name: 'eventNotificationJobId 400 digits',
    body: event({ eventNotificationJobId: '9'.repeat(400) }),
    sign: 'sha256',
  },
  { name: 'object a string', body: event({ object: 'entry' }), sign: 'sha256' },
  {
    name: 'body over the size limit',
    body: event({ pad: 'x'.repeat(2_000_000) }),
    sign: 'sha256',
    expect: [413],
  },
  { name: 'UTF-16 encoded JSON', body: Buffer.from(good, 'utf16le'), sign: 'sha256' },
  { name: 'JSON announced as text/html', body: good, contentType: 'text/html', sign: 'sha256' },
  { name: 'JSON announced as XML', body: good, contentType: 'application/xml', sign: 'sha256' },
  {
    name: 'form body with broken JSON in data',
    body: `data=${encodeURIComponent(good.slice(0, 20))}`,
    contentType: 'application/x-www-form-urlencoded',
    sign: 'sha256',
  },
];

/**
 * Odd but authentic: signed with the secret, and documented as accepted (docs/notifications.md: empty bodies, form
 * fields, no job id → keyed by the body hash, any JSON object). They must answer 200 and be stored exactly once,
 * however often they are repeated — never a 5xx.
 */
const acceptedByDesign: WebhookCase[] = [
  { name: 'empty body', body: '', sign: 'sha256' },
  { name: 'no eventNotificationJobId', body: JSON.stringify({ eventType: 3, object: {} }), sign: 'sha256' },
  { name: 'deeply nested JSON', body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, sign: 'sha256' },
  {
    name: 'form body without data',
    body: 'foo=bar&baz=1',
    contentType: 'application/x-www-form-urlencoded',
    sign: 'sha256',
  },
  {
    name: 'no content type, sha1 as older servers',
    body: event({ eventNotificationJobId: 9_000_002 }),
    contentType: null,
    sign: 'sha1',
  },
];

describe('bad input on the Kaltura webhook: 4xx, nothing stored, still alive', () => {
  let t: TestApp;
  let before: { events: number; notifications: number };

  const stored = async () => ({
    events: await t.app.get(WebhookEventRepository).count(),
    notifications: (
      await t.app.get(NotificationRepository).listUnfinished(new Date(Date.now() + 86_400_000), 1000)
    ).length,
  });

  beforeAll(async () => {
    t = await bootTestApp({ KALTURA_WEBHOOK_SECRET: SECRET });
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    before = await stored();
  });

  function send(c: WebhookCase) {
    const raw = Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body);
    let req = request(t.app.getHttpServer()).post(PATH);
    if (c.contentType !== null) req = req.set('Content-Type', c.contentType ?? 'application/json');
    const signature = c.sign ? signWebhookBody(SECRET, raw, c.sign) : c.signature;
    const algorithm = c.sign ?? c.algorithm;
    // An array goes to Node's setHeader as is: the header is sent once per value (a duplicated header).
    if (signature !== undefined) req = req.set('X-KALTURA-SIGNATURE', signature as string);
    if (algorithm !== undefined) req = req.set('X-KALTURA-HASH-ALGO', algorithm as string);
    return req.serialize((data: unknown) => data as string).send(raw);
  }

  async function check(c: WebhookCase): Promise<void> {
    const res = await send(c);
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    expect(await stored()).toEqual(before);
    expectClientError(res, c.expect);
    expect(res.text).not.toContain(SECRET);
  }

  it.each(signatureCases)('signature: $name', async (c) => {
    await check({ ...c, expect: c.expect ?? [401] });
  });

  it.each(signedBodyCases)('body: $name', check);

  it.each(acceptedByDesign)('accepted by design, stored once: $name', async (c) => {
    const first = await send(c);
    const again = await send(c);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toMatchObject({ duplicate: true });
    expect((await stored()).events).toBe(before.events + 1);
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
  });

  it('the corpus can fail: the well-formed, signed event is accepted and stored once', async () => {
    const res = await send({ name: 'good', body: good, sign: 'sha256' });
    expect(res.status).toBe(200);
    expect((await stored()).events).toBe(before.events + 1);
  });
});
