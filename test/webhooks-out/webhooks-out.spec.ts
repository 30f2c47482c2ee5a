import request from 'supertest';
import { register } from 'prom-client';
import { WebhookDispatcher, WebhookEndpointRepository, signWebhook } from '../../src/modules/webhooks-out';
import { EventBus } from '../../src/platform/events';
import { eventually } from '../support/eventually';
import { Receiver, bearerFor, bootWebhooksApp, verifyStandardWebhook, webhooksQueueDrained } from './support';

const GUILD_A = '810000000000000001';
const GUILD_B = '810000000000000002';
const QUICK = {
  retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100, jitter: 0 },
  requestTimeoutMs: 2_000,
};

/** The spec's published test vector (Standard Webhooks, also in the reference libraries' tests). */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('the reference verifier and the signer agree with the spec', () => {
  it("reproduces the spec's test vector, and the verifier accepts it and nothing else", () => {
    expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    const headers = {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': `v1,bm9wZQ== ${VECTOR.signature}`,
    };
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.body, VECTOR.timestamp)).toBe(true);
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.body + ' ', VECTOR.timestamp)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.body, VECTOR.timestamp + 301)).toBe(false);
  });
});

describe('outgoing webhooks to a local receiver (OUTGOING_WEBHOOKS_ALLOW_PRIVATE=on)', () => {
  let t: Awaited<ReturnType<typeof bootWebhooksApp>>;
  const receiver = new Receiver();
  const http = () => request(t.app.getHttpServer());
  const path = (g: string) => `/api/v1/guilds/${g}/webhooks`;

  beforeAll(async () => {
    await receiver.start();
    t = await bootWebhooksApp({ OUTGOING_WEBHOOKS_ALLOW_PRIVATE: 'on' }, QUICK);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  async function register(guildId: string, eventTypes = ['meeting.started'], suffix = '/in') {
    const res = await http()
      .post(path(guildId))
      .set(bearerFor(t.app, [guildId]))
      .send({ url: receiver.url + suffix, eventTypes, description: 'LMS' })
      .expect(201);
    return res.body as { webhook: { id: string }; secret: string };
  }

  const publish = (guildId: string, type = 'meeting.started') =>
    t.app.get(EventBus).publish({
      type,
      version: 1,
      guildId,
      audience: 'viewer',
      data: { meetingId: 'm-1', title: 'Physics', type: 'meeting', channelId: null },
    });

  it('delivers a published event, signed so that a verifier written from the spec accepts it', async () => {
    const { webhook, secret } = await register(GUILD_A, ['meeting.started'], '/signed');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const event = await publish(GUILD_A);
    await publish(GUILD_A, 'meeting.ended'); // not subscribed
    const got = await eventually(
      () => receiver.received.find((r) => r.headers['webhook-id'] === event.id),
      5_000,
      'the webhook',
    );
    expect(verifyStandardWebhook(secret, got.headers, got.body)).toBe(true);
    // Another key (a changed character in the middle: a zero byte appended would pad to the same HMAC key).
    const other = secret.slice(0, 10) + (secret[10] === 'A' ? 'B' : 'A') + secret.slice(11);
    expect(verifyStandardWebhook(other, got.headers, got.body)).toBe(false);
    expect(JSON.parse(got.body)).toMatchObject({
      id: event.id,
      type: 'meeting.started',
      guildId: GUILD_A,
      version: 1,
    });
    expect(got.headers['content-type']).toBe('application/json');
    // The secret is never shown again, nor logged.
    const listed = await http()
      .get(path(GUILD_A))
      .set(bearerFor(t.app, [GUILD_A]))
      .expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.items.map((e: { id: string }) => e.id)).toContain(webhook.id);
    expect(t.logs.text).not.toContain(secret.slice(6));
    await http()
      .delete(`${path(GUILD_A)}/${webhook.id}`)
      .set(bearerFor(t.app, [GUILD_A]))
      .expect(204);
  });

  it('retries a 5xx with the same webhook-id, each attempt freshly signed, until it succeeds', async () => {
    const { webhook, secret } = await register(GUILD_A, ['recording.ready'], '/retry');
    receiver.answer(500, 503);
    const before = receiver.received.length;
    const event = await publish(GUILD_A, 'recording.ready');
    await eventually(
      () => receiver.received.filter((r) => r.headers['webhook-id'] === event.id).length === 3,
      5_000,
      'three attempts',
    );
    const attempts = receiver.received.slice(before).filter((r) => r.headers['webhook-id'] === event.id);
    for (const a of attempts) expect(verifyStandardWebhook(secret, a.headers, a.body)).toBe(true);
    // Delivered on the third: the failures in a row are back to 0.
    await eventually(
      async () =>
        (await t.app.get(WebhookEndpointRepository).get(GUILD_A, webhook.id))?.consecutiveFailures === 0,
      2_000,
      'the failure count reset',
    );
    await webhooksQueueDrained(t.app); // no job left that could make a fourth attempt
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === event.id)).toHaveLength(3);
    await http()
      .delete(`${path(GUILD_A)}/${webhook.id}`)
      .set(bearerFor(t.app, [GUILD_A]))
      .expect(204);
  });

  it('queues an event once per endpoint even when it is dispatched twice', async () => {
    const { webhook } = await register(GUILD_A, ['meeting.ended'], '/dedupe');
    receiver.answer('hold'); // the first is in flight while the second dispatch comes
    const event = await publish(GUILD_A, 'meeting.ended');
    await eventually(
      () => receiver.received.some((r) => r.headers['webhook-id'] === event.id),
      5_000,
      'first',
    );
    expect(await t.app.get(WebhookDispatcher).dispatch(event)).toBe(1);
    // A later event to the same endpoint goes through the same queue (FIFO, concurrency > 1 beside the held
    // request): once it has arrived, a second job for the first event would have been sent before it.
    const later = await publish(GUILD_A, 'meeting.ended');
    await eventually(
      () => receiver.received.some((r) => r.headers['webhook-id'] === later.id),
      5_000,
      'the later event',
    );
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === event.id)).toHaveLength(1);
    await http()
      .delete(`${path(GUILD_A)}/${webhook.id}`)
      .set(bearerFor(t.app, [GUILD_A]))
      .expect(204);
  });

  it('rotates the secret: the new one is shown once and signs from then on', async () => {
    const { webhook, secret: old } = await register(GUILD_A, ['*'], '/rotate');
    const rotated = await http()
      .post(`${path(GUILD_A)}/${webhook.id}/rotate-secret`)
      .set(bearerFor(t.app, [GUILD_A]))
      .expect(201);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const secret = rotated.body.secret as string;
    expect(secret).not.toBe(old);
    const test = await http()
      .post(`${path(GUILD_A)}/${webhook.id}/test`)
      .set(bearerFor(t.app, [GUILD_A]))
      .expect(202);
    const got = await eventually(
      () => receiver.received.find((r) => r.headers['webhook-id'] === test.body.eventId),
      5_000,
      'the test event',
    );
    expect(JSON.parse(got.body).type).toBe('webhook.test');
    expect(verifyStandardWebhook(secret, got.headers, got.body)).toBe(true);
    expect(verifyStandardWebhook(old, got.headers, got.body)).toBe(false);
    await http()
      .delete(`${path(GUILD_A)}/${webhook.id}`)
      .set(bearerFor(t.app, [GUILD_A]))
      .expect(204);
  });

  it('keeps guilds apart: an admin of A can neither see nor change B’s endpoints, and B’s events stay in B', async () => {
    const a = await register(GUILD_A, ['meeting.created'], '/a');
    const b = await register(GUILD_B, ['meeting.created'], '/b');
    const adminA = bearerFor(t.app, [GUILD_A]);
    await http().get(path(GUILD_B)).set(adminA).expect(403);
    await http()
      .post(path(GUILD_B))
      .set(adminA)
      .send({ url: receiver.url, eventTypes: ['*'] })
      .expect(403);
    // B's endpoint id under A's path: not found, unchanged.
    await http()
      .get(`${path(GUILD_A)}/${b.webhook.id}`)
      .set(adminA)
      .expect(404);
    await http()
      .patch(`${path(GUILD_A)}/${b.webhook.id}`)
      .set(adminA)
      .send({ enabled: false })
      .expect(404);
    await http()
      .post(`${path(GUILD_A)}/${b.webhook.id}/rotate-secret`)
      .set(adminA)
      .expect(404);
    await http()
      .delete(`${path(GUILD_A)}/${b.webhook.id}`)
      .set(adminA)
      .expect(404);
    const stored = await t.app.get(WebhookEndpointRepository).get(GUILD_B, b.webhook.id);
    expect(stored).toMatchObject({ enabled: true, secret: b.secret });
    // A moderator of A is not an admin.
    await http()
      .get(path(GUILD_A))
      .set(bearerFor(t.app, [GUILD_A], 'moderator'))
      .expect(403);
    // An event of B reaches B's endpoint only.
    const event = await publish(GUILD_B, 'meeting.created');
    const got = await eventually(
      () => {
        const hits = receiver.received.filter((r) => r.headers['webhook-id'] === event.id);
        return hits.length > 0 && hits;
      },
      5_000,
      "B's webhook",
    );
    await webhooksQueueDrained(t.app); // every job the event made has run

    expect(receiver.received.filter((r) => r.headers['webhook-id'] === event.id)).toHaveLength(1);
    expect(verifyStandardWebhook(b.secret, got[0].headers, got[0].body)).toBe(true);
    for (const [g, id] of [
      [GUILD_A, a.webhook.id],
      [GUILD_B, b.webhook.id],
    ])
      await http()
        .delete(`${path(g)}/${id}`)
        .set(bearerFor(t.app, [g]))
        .expect(204);
  });

  it('delivers a real meeting.created when a meeting is started through the API', async () => {
    const { webhook, secret } = await register(GUILD_A, ['meeting.created'], '/meetings');
    const admin = bearerFor(t.app, [GUILD_A]);
    const created = await http()
      .post(`/api/v1/guilds/${GUILD_A}/meetings`)
      .set(admin)
      .send({ title: 'Webhook physics', type: 'meeting' })
      .expect(201);
    const got = await eventually(
      () =>
        receiver.received.find(
          (r) => r.headers['webhook-id'] && JSON.parse(r.body).data?.meetingId === created.body.meeting.id,
        ),
      5_000,
      'the meeting.created webhook',
    );
    expect(verifyStandardWebhook(secret, got.headers, got.body)).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({
      type: 'meeting.created',
      guildId: GUILD_A,
      data: { title: 'Webhook physics' },
    });
    expect(got.body).not.toMatch(/https?:\/\/[^"]*join/i); // never a join link
    await http()
      .delete(`${path(GUILD_A)}/${webhook.id}`)
      .set(admin)
      .expect(204);
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    const admin = bearerFor(t.app, [GUILD_A]);
    const bad = async (body: object, field: string) => {
      const res = await http().post(path(GUILD_A)).set(admin).send(body).expect(400);
      expect(JSON.stringify(res.body)).toContain(field);
    };
    await bad({ url: receiver.url, eventTypes: [] }, 'eventTypes');
    await bad({ url: receiver.url, eventTypes: ['meeting.strated'] }, 'meeting.strated');
    await bad({ url: 'ftp://example.com', eventTypes: ['*'] }, 'url');
    await bad({ url: receiver.url, eventTypes: ['*'], secret: 'mine' }, 'secret');
    await bad({ url: 42, eventTypes: 'meeting.started' }, 'eventTypes');
    await bad({ url: receiver.url, eventTypes: ['*'], enabled: 'yes' }, 'enabled');
    await bad({ url: receiver.url, eventTypes: ['*'], description: 'a\u0000b' }, 'description');
    const raw = await http()
      .post(path(GUILD_A))
      .set(admin)
      .set('Content-Type', 'application/json')
      .send('{"url":');
    expect(raw.status).toBe(400);
    await http()
      .patch(`${path(GUILD_A)}/not-an-id`)
      .set(admin)
      .send({ enabled: false })
      .expect(404);
    await http()
      .get(`${path(GUILD_A)}/we_${'0'.repeat(24)}`)
      .set(admin)
      .expect(404);
    await http()
      .post(`${path(GUILD_A)}/we_${'0'.repeat(24)}/test`)
      .set(admin)
      .expect(404);
    expect((await http().get(path(GUILD_A)).set(admin).expect(200)).body.items).toEqual([]);
  });
});

describe('outgoing webhooks by default (no private targets)', () => {
  let t: Awaited<ReturnType<typeof bootWebhooksApp>>;
  const receiver = new Receiver();
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    await receiver.start();
    t = await bootWebhooksApp({}, QUICK);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('refuses to register loopback, private and metadata targets, and plain http', async () => {
    const admin = bearerFor(t.app, [GUILD_A]);
    for (const url of [
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://[::1]/hook',
      'https://10.0.0.8/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:127.0.0.1]/hook',
      'http://93.184.216.34/hook',
    ]) {
      const res = await http()
        .post(`/api/v1/guilds/${GUILD_A}/webhooks`)
        .set(admin)
        .send({ url, eventTypes: ['*'] });
      expect({ url, status: res.status, code: res.body.code }).toEqual({
        url,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('never connects to 127.0.0.1 at delivery, even for an endpoint stored before the check', async () => {
    // Stored directly (as if registered while DNS pointed elsewhere, or by an older release).
    const port = new URL(receiver.url).port;
    await t.app.get(WebhookEndpointRepository).insert({
      id: 'we_00000000000000000000abcd',
      guildId: GUILD_A,
      url: `https://127.0.0.1:${port}/hook`,
      eventTypes: ['*'],
      description: '',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
      createdBy: '770000000000000001',
    });
    const refused = async () =>
      (await register.getSingleMetric('kd_webhooks_out_attempts_total')?.get())?.values.find(
        (v) => v.labels.outcome === 'refused_target',
      )?.value ?? 0;
    await t.app.get(EventBus).publish({
      type: 'meeting.started',
      version: 1,
      guildId: GUILD_A,
      audience: 'viewer',
      data: { meetingId: 'm', title: 'x', type: 'meeting', channelId: null },
    });
    await eventually(async () => (await refused()) >= 1, 5_000, 'the refused attempt');
    expect(receiver.connections).toBe(0);
    expect(receiver.received).toHaveLength(0);
    expect(
      (await t.app.get(WebhookEndpointRepository).get(GUILD_A, 'we_00000000000000000000abcd'))
        ?.consecutiveFailures,
    ).toBe(1);
  });
});
