import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../fakes/discord';
import type { Meeting } from '../../src/modules/meetings';
import { GuildConfigService } from '../../src/modules/config';
import {
  NotificationTestApp,
  bootNotificationApp,
  counterValue,
  eventually,
  host,
  postWebhook,
  queueDrained,
  recordingReady,
  tempConfigDir,
  testOptions,
  moderatorAuth,
} from './support/app';

jest.setTimeout(60_000);

const guildId = snowflakeForShard(0, 1);
const general = fakeSnowflake();
const meetingsChannel = fakeSnowflake();
const locked = fakeSnowflake();
const forbidden = fakeSnowflake();
const adminRole = fakeSnowflake();
const alice = fakeSnowflake();
const POSTS = /^\/channels\/\d+\/messages$/;

describe('notification delivery to Discord (fake Discord, in-process queue)', () => {
  let fake: FakeDiscord;
  let t: NotificationTestApp;

  beforeAll(async () => {
    fake = new FakeDiscord({
      heartbeatIntervalMs: 1000,
      guilds: [
        {
          id: guildId,
          name: 'Notifications guild',
          // Where the admins are told about a suspended channel (issue 26 item 11).
          systemChannelId: general,
          channels: [
            { id: general, name: 'general' },
            { id: meetingsChannel, name: 'Meetings' },
            { id: locked, name: 'locked' },
            { id: forbidden, name: 'forbidden' },
          ],
          roles: [{ id: adminRole, name: 'Admins' }],
          members: [{ userId: alice, username: 'alice', roles: [adminRole] }],
        },
      ],
    });
    const { apiUrl } = await fake.start();
    t = await bootNotificationApp(
      {
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: apiUrl,
        CONFIG_DIR: tempConfigDir(),
      },
      testOptions({ rateLimitWaitMaxMs: 1_500 }),
    );
    // This suite starts dozens of meetings within a minute, by one host: lift the guild's command budget and
    // active-meeting caps to their bounds (the defaults refuse the 4th start), so each test sees only its own cause.
    await t.app.get(GuildConfigService).update(
      guildId,
      {
        limits: {
          commands: { perMember: 100, perGuild: 1000, windowSeconds: 60 },
          meetings: { activePerHost: 20, activePerGuild: 200 },
        },
      },
      { kind: 'system', id: 'notification-tests' },
    );
  });

  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  beforeEach(() => fake.clearFaults());

  const start = (title: string, channelId: string | null = general, description: string | null = null) =>
    t.meetings.create({ guildId, channelId, host, title, type: 'meeting', description });

  /** The messages in `channel` whose content mentions `needle`. */
  const messagesWith = (channel: string, needle: string) =>
    fake.channelMessages(channel).filter((m) => m.message.content.includes(needle));

  /**
   * Waits for the notification to be sent, then for the queue to drain (no job left that could post it again),
   * and checks it is exactly one message.
   */
  async function sentOnce(channel: string, needle: string) {
    await eventually(() => messagesWith(channel, needle).length > 0, 15_000, `a message with ${needle}`);
    await queueDrained(t);
    const found = messagesWith(channel, needle);
    expect(found).toHaveLength(1);
    return found[0];
  }

  const postsFor = (needle: string) =>
    fake.findCalls(
      (c) => c.method === 'POST' && POSTS.test(c.path) && JSON.stringify(c.body ?? '').includes(needle),
    );

  const apiList = async (query = '') =>
    (await t.http.get(`/api/v1/guilds/${guildId}/notifications${query}`).set(moderatorAuth(t, guildId))).body;

  it('posts meeting_start once to the meeting channel, mentions off, and shows it as sent in the API', async () => {
    const meeting = await start('Weekly sync');
    const record = await sentOnce(general, 'Weekly sync');
    expect(record.message.content).toBe('📅 **Weekly sync** (meeting) was started by Hosty McHost.');
    expect(record.allowedMentions).toEqual({ parse: [] });
    const page = await apiList('?type=meeting_start');
    expect(page.apiVersion).toBe('1');
    const item = page.items.find((i: { meetingId: string }) => i.meetingId === meeting.id);
    expect(item).toMatchObject({
      type: 'meeting_start',
      status: 'sent',
      channelId: general,
      messageId: record.message.id,
      attempts: 1,
      lastError: null,
    });
    const one = await t.http
      .get(`/api/v1/guilds/${guildId}/notifications/${item.id}`)
      .set(moderatorAuth(t, guildId));
    expect(one.body).toMatchObject({ apiVersion: '1', notification: { id: item.id, status: 'sent' } });
  });

  it('429 then success: waits out a short retry_after inside the request, posts once', async () => {
    fake.rateLimitNext({ method: 'POST', path: POSTS, retryAfter: 0.2 });
    await start('Rate limited once');
    await sentOnce(general, 'Rate limited once');
    expect(postsFor('Rate limited once').map((c) => c.status)).toEqual([429, 200]);
  });

  it('429 with a long retry_after: the job goes back to the queue and waits at least that long', async () => {
    fake.rateLimitNext({ method: 'POST', path: POSTS, retryAfter: 2.5 });
    const meeting = await start('Rate limited long');
    await sentOnce(general, 'Rate limited long');
    const calls = postsFor('Rate limited long');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(2_400);
    const { items } = await apiList('?status=sent&type=meeting_start');
    expect(items.find((i: { meetingId: string }) => i.meetingId === meeting.id)).toMatchObject({
      attempts: 2,
    });
  });

  it('5xx for a while, then success: retried with backoff, posted once', async () => {
    fake.failNext({ method: 'POST', path: POSTS, status: 502, times: 4 });
    const meeting = await start('Flaky Discord');
    await sentOnce(general, 'Flaky Discord');
    expect(postsFor('Flaky Discord').map((c) => c.status)).toEqual([502, 502, 502, 502, 200]);
    const { items } = await apiList('?type=meeting_start');
    expect(items.find((i: { meetingId: string }) => i.meetingId === meeting.id)).toMatchObject({
      status: 'sent',
      attempts: 5,
    });
  });

  it('Discord down for a while (connections reset, a request hangs), then back: posted once', async () => {
    fake.dropNext({ method: 'POST', path: POSTS, times: 3 });
    fake.hangNext({ method: 'POST', path: POSTS, times: 1 });
    await start('Discord outage');
    await sentOnce(general, 'Discord outage');
    expect(postsFor('Discord outage').map((c) => c.status)).toEqual([0, 0, 0, 0, 200]);
  });

  it('shows a failure in the API while retrying, with the reason', async () => {
    fake.failNext({ method: 'POST', path: POSTS, status: 503, times: 3 });
    const meeting = await start('Watch it fail');
    const failed = await eventually(async () => {
      const { items } = await apiList('?type=meeting_start');
      const item = items.find((i: { meetingId: string }) => i.meetingId === meeting.id);
      return item?.status === 'failed' && item;
    });
    expect(failed).toMatchObject({ lastError: 'Discord answered 503', nextAttemptAt: expect.any(String) });
    await sentOnce(general, 'Watch it fail');
  });

  it('a refusal (403 Missing Access) makes the notification dead at once, visible in the API', async () => {
    fake.failRoute({
      method: 'POST',
      path: new RegExp(`^/channels/${locked}/messages$`),
      status: 403,
      code: 50001,
      message: 'Missing Access',
    });
    const meeting = await start('Locked channel', locked);
    const dead = await eventually(async () => {
      const { items } = await apiList('?status=dead');
      return items.find((i: { meetingId: string }) => i.meetingId === meeting.id);
    });
    expect(dead.lastError).toBe('Discord refused the message (403 code 50001): Missing Access');
    expect(fake.findCalls((c) => c.path === `/channels/${locked}/messages`)).toHaveLength(1);
  });

  it('suspends a channel that answered 403: the next notifications to it are skipped, no more 403s (issue 26 item 11)', async () => {
    fake.failRoute({
      method: 'POST',
      path: new RegExp(`^/channels/${forbidden}/messages$`),
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    const before = fake.invalidRequests();
    const meetings: Array<{ id: string }> = [];
    for (const title of ['Forbidden 1', 'Forbidden 2', 'Forbidden 3']) {
      const meeting = await start(title, forbidden);
      meetings.push(meeting);
      await eventually(async () => {
        const { items } = await apiList();
        const item = items.find((i: { meetingId: string; status: string }) => i.meetingId === meeting.id);
        return item && item.status !== 'pending' && item.status !== 'failed' && item;
      });
    }
    expect(fake.findCalls((c) => c.path === `/channels/${forbidden}/messages`)).toHaveLength(1);
    expect(fake.invalidRequests() - before).toBe(1);
    const { items } = await apiList('?status=skipped');
    const skipped = items.filter((i: { meetingId: string }) =>
      meetings.slice(1).some((m) => m.id === i.meetingId),
    );
    expect(skipped).toHaveLength(2);
    expect(skipped[0].lastError).toMatch(/^Channel suspended after Discord refused a post/);
    // The admins are told once, in the system channel, without pinging anyone: not once per skipped notification.
    const notices = () => messagesWith(general, `<#${forbidden}>`);
    await eventually(() => notices().length > 0, 10_000, 'the suspension notice');
    // Only a refusal during delivery tells the admins: once the queue is empty no job can refuse (or tell) again.
    await queueDrained(t);
    expect(notices()).toHaveLength(1);
    const [notice] = notices();
    expect(notice.allowedMentions).toEqual({ parse: [] });
    expect(notice.message.content).toContain('Missing Permissions');
    expect(notice.message.content).toContain('resume automatically');
    expect(fake.findCalls((c) => c.path === `/channels/${forbidden}/messages`)).toHaveLength(1);
  });

  describe('template injection stays inert', () => {
    const evil = `@everyone <@&${adminRole}> <@${alice}> **bold** [x](https://e.vil)`;

    it('user text cannot ping or format, with mentions off', async () => {
      await start(evil, general, 'desc');
      const [record] = await eventually(() => {
        const found = fake.channelMessages(general).filter((m) => m.message.content.includes('bold'));
        return found.length > 0 && found;
      });
      expect(record.message.mention_everyone).toBe(false);
      expect(record.message.mention_roles).toEqual([]);
      expect(record.message.mentions).toEqual([]);
      expect(record.message.content).not.toMatch(/@everyone|<@&|<@\d/);
      expect(record.message.content).toContain('\\*\\*bold\\*\\*');
      expect(record.message.content).toContain('\\[x\\]');
    });

    it('even when the guild allows mentions, user text still cannot ping (the template can)', async () => {
      const config = t.app.get(GuildConfigService);
      await config.update(
        guildId,
        {
          notifications: {
            allowMentions: true,
            templates: { meeting_start: `<@&${adminRole}> {{meeting.title}} by {{host.name}}` },
          },
        },
        { kind: 'system', id: 'notification-tests' },
      );
      try {
        await start(`Allowed ${evil}`);
        const [record] = await eventually(() => {
          const found = fake.channelMessages(general).filter((m) => m.message.content.includes('Allowed'));
          return found.length > 0 && found;
        });
        expect(record.allowedMentions).toEqual({ parse: ['users', 'roles', 'everyone'] });
        // Only the admin's own template mention pings; none from the title.
        expect(record.message.mention_roles).toEqual([adminRole]);
        expect(record.message.mention_everyone).toBe(false);
        expect(record.message.mentions).toEqual([]);
      } finally {
        await config.reset(guildId, 'notifications', { kind: 'system', id: 'notification-tests' });
      }
    });
  });

  describe('routing', () => {
    it('posts to a channel configured by name (resolved once, cached), and skips disabled types', async () => {
      const config = t.app.get(GuildConfigService);
      await config.update(
        guildId,
        { notifications: { channels: { meeting_start: 'meetings' }, types: { meeting_end: false } } },
        { kind: 'system', id: 'notification-tests' },
      );
      try {
        const before = fake.findCalls((c) => c.path === `/guilds/${guildId}/channels`).length;
        const a = await start('Routed by name A');
        await start('Routed by name B');
        await sentOnce(meetingsChannel, 'Routed by name A');
        await sentOnce(meetingsChannel, 'Routed by name B');
        expect(fake.findCalls((c) => c.path === `/guilds/${guildId}/channels`).length - before).toBe(1);
        const disabled = { type: 'meeting_end', outcome: 'skipped_type_disabled' };
        const skippedBefore = await counterValue('kd_notifications_total', disabled);
        await t.meetings.end(guildId, a.id, {
          userId: host.userId,
          displayName: host.displayName,
          role: 'admin',
        });
        // The end event is handled when the notification service counts it as skipped (type disabled).
        await eventually(
          async () => (await counterValue('kd_notifications_total', disabled)) > skippedBefore,
          10_000,
          'meeting_end counted as skipped_type_disabled',
        );
        await queueDrained(t);
        expect(
          messagesWith(general, 'Routed by name A').filter((m) => m.message.content.includes('ended')),
        ).toEqual([]);
        const { items } = await apiList('?type=meeting_end');
        expect(items.filter((i: { meetingId: string }) => i.meetingId === a.id)).toEqual([]);
      } finally {
        await config.reset(guildId, 'notifications', { kind: 'system', id: 'notification-tests' });
      }
    });
  });

  describe('Kaltura events', () => {
    let meeting: Meeting;
    beforeAll(async () => {
      meeting = await start('Recorded session');
      await sentOnce(general, 'Recorded session');
    });

    it('recording ready → one recording_ready message with the link, also when Kaltura repeats the event', async () => {
      const event = recordingReady(meeting, '0_rec_one');
      const first = await postWebhook(t, event);
      expect(first.status).toBe(200);
      expect((await postWebhook(t, event)).body.duplicate).toBe(true);
      // A second Kaltura job for the same entry (e.g. a later metadata change) does not notify again.
      await postWebhook(t, { ...event, eventNotificationJobId: event.eventNotificationJobId + 1_000_000 });
      const record = await sentOnce(general, 'is ready');
      expect(record.message.content).toBe(
        '🎬 The recording of **Recorded session** is ready: **Recording 0\\_rec\\_one**, 30 min — ' +
          `${t.settings.kaltura.kafUrl}/browseandembed/index/media/entryid/0_rec_one`,
      );
      const stored = await t.events.get(first.body.eventId);
      expect(stored).toMatchObject({ status: 'processed', outcome: 'notified' });
      const { items } = await apiList('?type=recording_ready');
      expect(items.find((i: { meetingId: string }) => i.meetingId === meeting.id)).toMatchObject({
        status: 'sent',
        source: 'kaltura',
      });
    });

    it('a burst of webhooks with duplicates and Discord faults: every entry posted exactly once, all shown sent', async () => {
      fake.failNext({ method: 'POST', path: POSTS, status: 500, times: 5 });
      fake.rateLimitNext({ method: 'POST', path: POSTS, retryAfter: 0.2, times: 2 });
      fake.dropNext({ method: 'POST', path: POSTS, times: 3 });
      const events = Array.from({ length: 20 }, (_, i) => recordingReady(meeting, `0_burst_${i}`));
      const results = await Promise.all(
        events.flatMap((e) => [postWebhook(t, e), postWebhook(t, e), postWebhook(t, e)]),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(20);
      const posted = () =>
        fake
          .channelMessages(general)
          .flatMap((m) => /entryid\/(0_burst_\d+)/.exec(m.message.content)?.[1] ?? []);
      await eventually(() => posted().length >= 20, 30_000, 'all 20 recordings');
      await queueDrained(t);
      expect(posted().sort()).toEqual(events.map((e) => e.object.id).sort());
      const { items } = await apiList('?type=recording_ready&limit=100');
      const burst = items.filter((i: { content: string }) => i.content.includes('0_burst_'));
      expect(burst).toHaveLength(20);
      expect(burst.every((i: { status: string }) => i.status === 'sent')).toBe(true);
    });

    it('schedule event cancelled in Kaltura → the meeting ends → one meeting_end message', async () => {
      const other = await start('Cancelled outside Discord');
      const cancel = {
        eventNotificationJobId: Date.now(),
        eventType: '3',
        eventObjectType: 'scheduleEventNotifications.ScheduleEvent',
        object: {
          objectType: 'KalturaRecordScheduleEvent',
          id: other.kaltura.eventId,
          status: '1',
          referenceId: other.id,
        },
      };
      expect((await postWebhook(t, cancel, { algorithm: 'sha1' })).status).toBe(200);
      await eventually(async () => (await t.meetings.get(guildId, other.id)).status === 'ended');
      const record = await sentOnce(general, 'Cancelled outside Discord** ended');
      expect(record.message.content).toMatch(/^✅ \*\*Cancelled outside Discord\*\* ended after \d+ s\.$/);
    });

    it('a room deleted in Kaltura is traced back by its resource id', async () => {
      const other = await start('Room deleted');
      const deleted = {
        eventNotificationJobId: Date.now() + 1,
        eventType: 7,
        object: { objectType: 'KalturaLocationScheduleResource', id: other.kaltura.resourceId },
      };
      await postWebhook(t, deleted);
      await eventually(async () => (await t.meetings.get(guildId, other.id)).status === 'ended');
      await sentOnce(general, 'Room deleted** ended');
    });
  });

  it('never sends the bot token anywhere but the Authorization header', async () => {
    const { items } = await apiList('?limit=100');
    expect(JSON.stringify(items)).not.toContain(fake.token);
    expect(t.logs.text).not.toContain(fake.token);
  });
});
