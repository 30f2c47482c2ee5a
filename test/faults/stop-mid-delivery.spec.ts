import { randomUUID } from 'node:crypto';
import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../fakes/discord';
import {
  type NotificationTestApp,
  bootNotificationApp,
  eventually,
  host,
  postWebhook,
  queueDrained,
  recordingReady,
  tempConfigDir,
  testOptions,
} from '../notification/support/app';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';

jest.setTimeout(60_000);

/** This suite's own Redis database (flushed here; others use 0, 5, 7, 8, 9). */
const REDIS_DB = REDIS_DBS.stopMidDelivery;
const POSTS = /^\/channels\/\d+\/messages$/;

/**
 * The process is stopped while a delivery is in flight: Discord holds the POST without answering, the app gets
 * SIGTERM (Nest's close: the worker finishes or cuts its running job, the queue closes). A new process on the
 * same Redis must deliver every accepted notification, and none twice.
 */
describeWithRedis('faults: the process stopped mid-delivery (BullMQ on Redis)', () => {
  let fake: FakeDiscord;
  let env: Record<string, string>;
  const apps: NotificationTestApp[] = [];
  const guildId = snowflakeForShard(0, 1);
  const channel = fakeSnowflake();
  const options = testOptions({ queuePrefix: `kd:notification:faults-${randomUUID()}` });
  const messagesWith = (needle: string) =>
    fake.channelMessages(channel).filter((m) => m.message.content.includes(needle));

  beforeAll(async () => {
    await requireEmptyRedisDb(REDIS_DB);
    fake = new FakeDiscord({
      guilds: [{ id: guildId, name: 'Stop guild', channels: [{ id: channel, name: 'general' }] }],
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

  it('a delivery hanging at Discord when the process stops is delivered once by the next process', async () => {
    const first = await bootNotificationApp(env, options);
    apps.push(first);
    // Discord accepts the connection and never answers: the first post is in flight when the stop comes.
    fake.hangNext({ method: 'POST', path: POSTS, times: 1 });
    const meeting = await first.meetings.create({
      guildId,
      channelId: channel,
      host,
      title: 'Stopped in flight',
      type: 'meeting',
    });
    await fake.waitForCall((c) => c.method === 'POST' && POSTS.test(c.path) && c.fault === 'hang', 10_000);
    // A webhook accepted in the same moment: stored and queued, not yet delivered.
    const webhook = await postWebhook(first, recordingReady(meeting, '0_stopped'));
    expect(webhook.status).toBe(200);
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    const postsByFirst = fake.findCalls(
      (c) => c.method === 'POST' && POSTS.test(c.path) && c.status === 200,
    ).length;

    const second = await bootNotificationApp(env, options);
    apps.push(second);
    await eventually(() => messagesWith('Stopped in flight').length === 2, 20_000, 'both messages');
    // The first process's job (its lock expired, `stalled`) and every retry have run once the queue is empty.
    await queueDrained(second, 20_000);
    expect(
      messagesWith('Stopped in flight')
        .map((m) => m.message.content)
        .sort(),
    ).toEqual(
      [
        '📅 **Stopped in flight** (meeting) was started by Hosty McHost.',
        expect.stringMatching(/^🎬 The recording of \*\*Stopped in flight\*\* is ready: /),
      ].sort(),
    );
    // The hung request never produced a message; whatever the first process posted plus the second's makes two.
    const posted = fake.findCalls(
      (c) => c.method === 'POST' && POSTS.test(c.path) && c.status === 200,
    ).length;
    expect(posted).toBe(2);
    expect(postsByFirst).toBeLessThanOrEqual(1);
  });
});
