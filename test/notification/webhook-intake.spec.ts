import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { signWebhookBody } from '../../src/modules/notification';
import {
  NotificationTestApp,
  WEBHOOK_SECRET,
  bootNotificationApp,
  eventually,
  nextJobId,
  postWebhook,
  moderatorAuth,
} from './support/app';

jest.setTimeout(60_000);

const entryEvent = (jobId: number | string = nextJobId()) => ({
  eventNotificationJobId: jobId,
  eventType: 3,
  eventObjectType: 1,
  object: { objectType: 'KalturaMediaEntry', id: '0_unrelated', status: 2, name: 'Not ours' },
  objectType: 'KalturaHttpNotification',
});

describe('POST /api/v1/webhooks/kaltura (intake)', () => {
  let t: NotificationTestApp;

  beforeAll(async () => {
    t = await bootNotificationApp();
  });
  afterAll(() => t.close());

  /** Runs `send` and checks that no event was stored by it. */
  async function storesNothing(send: () => Promise<Response>) {
    const before = await t.events.count();
    const res = await send();
    expect(await t.events.count()).toBe(before);
    return res;
  }

  describe('signature', () => {
    it.each(['sha1', 'sha256', 'sha512'] as const)('accepts a body signed with %s', async (algorithm) => {
      const res = await postWebhook(t, entryEvent(), { algorithm });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        apiVersion: '1',
        eventId: expect.stringMatching(/^job-\d+$/),
        duplicate: false,
      });
    });

    it('accepts sha1 when the algorithm header is absent (older Kaltura servers)', async () => {
      const res = await postWebhook(t, entryEvent(), { algorithm: null });
      expect(res.status).toBe(200);
    });

    it.each([
      ['a wrong secret', { secret: 'someone-else' }],
      ['a missing signature', { signature: null }],
      ['an unsupported algorithm', { algorithm: 'md5' }],
      ['a signature of another algorithm', { algorithm: 'sha512', signature: 'ab'.repeat(20) }],
    ])('refuses %s with 401 problem+json and stores nothing', async (_label, opts) => {
      const res = await storesNothing(() => postWebhook(t, entryEvent(), opts));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 401,
        code: 'WEBHOOK_SIGNATURE_INVALID',
        requestId: expect.any(String),
      });
    });

    it('refuses a body changed by one byte after signing', async () => {
      const body = Buffer.from(JSON.stringify(entryEvent()));
      const signature = signWebhookBody(WEBHOOK_SECRET, body, 'sha256');
      body[10] = body[10] === 0x41 ? 0x42 : 0x41;
      const res = await storesNothing(() => postWebhook(t, body, { signature, algorithm: 'sha256' }));
      expect(res.status).toBe(401);
    });

    it('never echoes the secret or the signature', async () => {
      const event = entryEvent();
      const signature = signWebhookBody('nope', JSON.stringify(event), 'sha256');
      const res = await postWebhook(t, event, { signature });
      const text = JSON.stringify(res.body) + t.logs.text;
      expect(res.status).toBe(401);
      expect(text).not.toContain(WEBHOOK_SECRET);
      expect(text).not.toContain(signature);
    });
  });

  describe('body formats', () => {
    it('stores a JSON body and processes it (this entry belongs to no meeting: ignored)', async () => {
      const res = await postWebhook(t, entryEvent());
      const stored = await eventually(async () => {
        const e = await t.events.get(res.body.eventId);
        return e?.status !== 'received' && e;
      });
      expect(stored).toMatchObject({
        status: 'ignored',
        mapping: { kind: 'recording_ready', entryId: '0_unrelated' },
      });
    });

    it('logs why an event was ignored, once, with its id', async () => {
      const res = await postWebhook(t, entryEvent());
      const id = res.body.eventId as string;
      const line = await eventually(async () =>
        t.logs.records().find((r) => r.eventId === id && r.msg !== 'request completed'),
      );
      const stored = await t.events.get(id);
      expect(stored?.status).toBe('ignored');
      expect(line).toMatchObject({
        level: 'info',
        module: 'notification-webhook',
        kind: 'recording_ready',
        reason: stored?.outcome,
        msg: `Kaltura event ignored: ${stored?.outcome}`,
      });
    });

    it('stores data=<urlencoded JSON> labelled application/json', async () => {
      const body = 'data=' + encodeURIComponent(JSON.stringify(entryEvent())).replace(/%20/g, '+');
      const res = await postWebhook(t, body, { contentType: 'application/json' });
      expect(res.status).toBe(200);
      expect(await t.events.get(res.body.eventId)).toMatchObject({ format: 'data-json' });
    });

    it('stores form fields', async () => {
      const res = await postWebhook(t, 'entryId=0_form&status=2&eventType=3', {
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(200);
      expect(await t.events.get(res.body.eventId)).toMatchObject({
        format: 'form',
        mapping: { kind: 'recording_ready', entryId: '0_form' },
      });
    });

    it('stores an empty body (kept, counted, ignored)', async () => {
      const res = await postWebhook(t, '', { contentType: 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(200);
      expect(res.body.eventId).toMatch(/^body-[a-f0-9]{32}$/);
      await eventually(async () => (await t.events.get(res.body.eventId))?.status === 'ignored');
    });

    it('treats numeric strings like numbers', async () => {
      const jobId = nextJobId();
      const res = await postWebhook(t, {
        ...entryEvent(String(jobId)),
        eventType: '3',
        eventObjectType: '1',
      });
      expect(res.body.eventId).toBe(`job-${jobId}`);
      expect(await t.events.get(res.body.eventId)).toMatchObject({ eventType: '3', eventObjectType: '1' });
    });
  });

  describe('idempotency', () => {
    it('stores one event per eventNotificationJobId; a repeat answers 200 duplicate', async () => {
      const event = entryEvent();
      const first = await postWebhook(t, event);
      const before = await t.events.count();
      const again = await postWebhook(
        t,
        { ...event, templateName: 'different bytes, same job' },
        { algorithm: 'sha1' },
      );
      expect(first.body.duplicate).toBe(false);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ apiVersion: '1', eventId: first.body.eventId, duplicate: true });
      expect(await t.events.count()).toBe(before);
    });

    it('uses a hash of the body when there is no job id', async () => {
      const { eventNotificationJobId: _drop, ...event } = entryEvent();
      const a = await postWebhook(t, event);
      const b = await postWebhook(t, event);
      expect(b.body).toEqual({ apiVersion: '1', eventId: a.body.eventId, duplicate: true });
    });

    it('stores each of many concurrent repeats once', async () => {
      const event = entryEvent();
      const before = await t.events.count();
      const results = await Promise.all(Array.from({ length: 20 }, () => postWebhook(t, event)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
      expect(await t.events.count()).toBe(before + 1);
    });
  });

  describe('bad input: 4xx, nothing stored, no crash', () => {
    it('refuses signed random bytes with 400', async () => {
      const res = await storesNothing(() => postWebhook(t, randomBytes(512)));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'MALFORMED_WEBHOOK' });
    });

    it('refuses a body over 1 MB with 413', async () => {
      const huge = JSON.stringify({ ...entryEvent(), padding: 'x'.repeat(1_100_000) });
      const res = await storesNothing(() => postWebhook(t, huge));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('refuses a content type Kaltura does not send with 415', async () => {
      const res = await storesNothing(() => postWebhook(t, entryEvent(), { contentType: 'application/xml' }));
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('refuses truncated JSON with 400', async () => {
      const res = await storesNothing(() => postWebhook(t, JSON.stringify(entryEvent()).slice(0, 50)));
      expect(res.status).toBe(400);
    });

    it('refuses fields of the wrong type with 400, naming them', async () => {
      const res = await storesNothing(() =>
        postWebhook(t, { eventNotificationJobId: { $gt: 1 }, eventType: [3], object: 'entry' }),
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'eventNotificationJobId',
        'eventType',
        'object',
      ]);
    });

    it('still serves after all that', async () => {
      expect((await t.http.get('/health/live')).status).toBe(200);
      expect((await postWebhook(t, entryEvent())).status).toBe(200);
    });
  });

  it('without a bot token, records notifications as skipped with the reason, visible in the API', async () => {
    const guildId = '400000000000000001';
    const meeting = await t.meetings.create({
      guildId,
      channelId: '400000000000000002',
      host: { userId: '400000000000000003', displayName: 'Host', role: 'moderator' },
      title: 'No bot here',
      type: 'meeting',
    });
    const item = await eventually(async () => {
      const res = await t.http.get(`/api/v1/guilds/${guildId}/notifications`).set(moderatorAuth(t, guildId));
      return res.body.items?.find((i: { meetingId: string }) => i.meetingId === meeting.id);
    });
    expect(item).toMatchObject({
      type: 'meeting_start',
      status: 'skipped',
      attempts: 0,
      lastError: 'DISCORD_TOKEN is not set: the bot cannot post messages',
    });
  });

  it('is reachable only with a moderator token for that guild', async () => {
    const path = '/api/v1/guilds/400000000000000001/notifications';
    expect((await t.http.get(path)).status).toBe(401);
    expect((await t.http.get(path).set(moderatorAuth(t, '400000000000000002'))).status).toBe(403);
    expect((await t.http.get(path).set(moderatorAuth(t, '400000000000000001'))).status).toBe(200);
  });

  it('answers 403 for a guild id outside the token, 400 for a malformed cursor and 404 for an unknown notification', async () => {
    // A guild id no token can cover is refused by the guild guard before any parsing.
    expect(
      (
        await t.http
          .get('/api/v1/guilds/not-a-guild/notifications')
          .set(moderatorAuth(t, '400000000000000001'))
      ).status,
    ).toBe(403);
    const cursor = await t.http
      .get('/api/v1/guilds/400000000000000001/notifications?cursor=forged')
      .set(moderatorAuth(t, '400000000000000001'));
    expect(cursor.status).toBe(400);
    expect(cursor.body.code).toBe('VALIDATION_FAILED');
    const limit = await t.http
      .get('/api/v1/guilds/400000000000000001/notifications?limit=1000&status=nope')
      .set(moderatorAuth(t, '400000000000000001'));
    expect(limit.status).toBe(400);
    const missing = await t.http
      .get(`/api/v1/guilds/400000000000000001/notifications/${'0'.repeat(24)}`)
      .set(moderatorAuth(t, '400000000000000001'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOTIFICATION_NOT_FOUND');
  });

  it('reports the queue in readiness and counts webhooks in /metrics', async () => {
    const ready = await t.http.get('/health/ready');
    expect(ready.body.details['notification-queue']).toMatchObject({ status: 'up', kind: 'memory' });
    const metrics = (await t.http.get('/metrics')).text;
    expect(metrics).toMatch(/kd_webhook_events_total\{type="recording_ready",outcome="accepted"\} \d+/);
    expect(metrics).toMatch(/kd_webhook_events_total\{type="unknown",outcome="unauthorized"\} \d+/);
    expect(metrics).toMatch(/kd_webhook_events_total\{type="unknown",outcome="malformed"\} \d+/);
    expect(metrics).toMatch(/kd_notification_queue_depth \d+/);
  });
});
