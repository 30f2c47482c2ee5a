import { randomUUID } from 'node:crypto';
import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../fakes/discord';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';
import {
  NotificationTestApp,
  bootNotificationApp,
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

/** This suite's own Redis database: it is flushed. */
const REDIS_DB = REDIS_DBS.notificationRestart;
const POSTS = /^\/channels\/\d+\/messages$/;

describeWithRedis('durable delivery with the Redis (BullMQ) queue', () => {
  let fake: FakeDiscord;
  let env: Record<string, string>;
  const guildId = snowflakeForShard(0, 1);
  const channel = fakeSnowflake();
  const apps: NotificationTestApp[] = [];
  const options = testOptions({ queuePrefix: `kd:notification:restart-${randomUUID()}` });

  beforeAll(async () => {
    await requireEmptyRedisDb(REDIS_DB);
    fake = new FakeDiscord({
      guilds: [{ id: guildId, name: 'Restart guild', channels: [{ id: channel, name: 'general' }] }],
    });
    const { apiUrl } = await fake.start();
    env = {
      REDIS_URL: redisUrlForDb(REDIS_DB),
      DISCORD_TOKEN: fake.token,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_API_URL: apiUrl,
      CONFIG_DIR: tempConfigDir(),
    };
  });

  afterAll(async () => {
    for (const t of apps) await t.close().catch(() => undefined);
    await fake?.stop();
  });

  const boot = async () => {
    const t = await bootNotificationApp(env, options);
    apps.push(t);
    return t;
  };
  const messagesWith = (needle: string) =>
    fake.channelMessages(channel).filter((m) => m.message.content.includes(needle));

  it('an application restart between intake and delivery still delivers each notification exactly once', async () => {
    const first = await boot();
    expect((await first.http.get('/health/ready')).body.details['notification-queue']).toMatchObject({
      status: 'up',
      kind: 'redis',
    });
    // Discord is down while the first instance runs: nothing can be posted.
    fake.failNext({ method: 'POST', path: POSTS, status: 503, times: 10_000 });
    const meeting = await first.meetings.create({
      guildId,
      channelId: channel,
      host,
      title: 'Survives restarts',
      type: 'meeting',
    });
    const webhook = await postWebhook(first, recordingReady(meeting, '0_restart'));
    expect(webhook.status).toBe(200);
    const failedBoth = async () => {
      const { items } = (
        await first.http.get(`/api/v1/guilds/${guildId}/notifications`).set(moderatorAuth(first, guildId))
      ).body;
      return items.length === 2 && items.every((i: { status: string }) => i.status === 'failed') && items;
    };
    await eventually(failedBoth, 10_000, 'both notifications to have failed once');
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    // Discord is back; a new instance (fresh process memory, same Redis) picks the jobs up.
    fake.clearFaults();
    const second = await boot();
    await eventually(() => messagesWith('Survives restarts').length === 2, 15_000, 'both messages');
    // No job left in the shared queue (waiting, delayed or active) that could post either again.
    await queueDrained(second);
    expect(
      messagesWith('Survives restarts')
        .map((m) => m.message.content)
        .sort(),
    ).toEqual(
      [
        '📅 **Survives restarts** (meeting) was started by Hosty McHost.',
        expect.stringMatching(/^🎬 The recording of \*\*Survives restarts\*\* is ready: /),
      ].sort(),
    );
    const { items } = (
      await second.http
        .get(`/api/v1/guilds/${guildId}/notifications?status=sent`)
        .set(moderatorAuth(second, guildId))
    ).body;
    expect(items.map((i: { type: string }) => i.type).sort()).toEqual(['meeting_start', 'recording_ready']);
  });

  it('two replicas on one Redis deliver a burst with duplicates and faults exactly once', async () => {
    // Only these two replicas run (each on its own in-memory storage: they share nothing but Redis).
    while (apps.length) await apps.pop()?.close();
    const [a, b] = [await boot(), await boot()];
    const meeting = await a.meetings.create({
      guildId,
      channelId: channel,
      host,
      title: 'Replicated',
      type: 'meeting',
    });
    await eventually(() => messagesWith('Replicated').length === 1, 10_000, 'the start message');
    // Replica b learns the meeting as it would from a shared MongoDB (here: from the same domain event).
    const { EventEmitter2 } = await import('@nestjs/event-emitter');
    b.app.get(EventEmitter2).emit('meeting.created', { meeting });
    fake.failNext({ method: 'POST', path: POSTS, status: 502, times: 6 });
    fake.rateLimitNext({ method: 'POST', path: POSTS, retryAfter: 0.3, times: 2 });
    fake.dropNext({ method: 'POST', path: POSTS, times: 3 });
    const events = Array.from({ length: 12 }, (_, i) => recordingReady(meeting, `0_burst_${i}`));
    // Every event twice, alternating replicas, as a retrying Kaltura behind a load balancer would.
    const sends = events.flatMap((e, i) => [postWebhook(i % 2 ? a : b, e), postWebhook(i % 2 ? b : a, e)]);
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const ready = () => messagesWith('is ready').filter((m) => m.message.content.includes('Replicated'));
    await eventually(() => ready().length >= 12, 30_000, 'all 12 recordings');
    // Both replicas consume one shared queue: once it is empty neither can post a duplicate.
    await queueDrained(a);
    // One message per distinct entry, none twice.
    const entries = ready().map((m) => /entryid\/(0_burst_\d+)/.exec(m.message.content)?.[1]);
    expect(entries.sort()).toEqual(events.map((e) => e.object.id).sort());
  });
});
