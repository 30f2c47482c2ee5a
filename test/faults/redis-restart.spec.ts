import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import Redis from 'ioredis';
import { NotificationRuntime } from '../../src/modules/notification';
import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../fakes/discord';
import {
  type NotificationTestApp,
  bootNotificationApp,
  eventually,
  host,
  moderatorAuth,
  postWebhook,
  queueDrained,
  recordingReady,
  tempConfigDir,
  testOptions,
} from '../notification/support/app';
import { PrivateRedis } from './redis-server';

jest.setTimeout(60_000);

const POSTS = /^\/channels\/\d+\/messages$/;

/**
 * Redis dies (SIGKILL) and comes back empty while the app runs, on a private redis-server. Readiness must say so
 * (503, naming cache and queue) and recover by itself; webhooks during the outage get a retryable 503, never a
 * 500; notifications accepted before the crash are delivered once after it (their jobs died with Redis: the
 * recovery sweep re-queues them from storage); caching works again.
 */
describe('faults: Redis restart under a running app', () => {
  const enabled = PrivateRedis.available();
  let redis: PrivateRedis;
  let fake: FakeDiscord;
  let t: NotificationTestApp;
  const guildId = snowflakeForShard(0, 1);
  const channel = fakeSnowflake();
  const messagesWith = (needle: string) =>
    fake.channelMessages(channel).filter((m) => m.message.content.includes(needle));
  const ready = () => t.http.get('/health/ready');

  beforeAll(async () => {
    if (!enabled) return;
    redis = await PrivateRedis.start();
    fake = new FakeDiscord({
      guilds: [{ id: guildId, name: 'Redis guild', channels: [{ id: channel, name: 'general' }] }],
    });
    const { apiUrl } = await fake.start();
    t = await bootNotificationApp(
      {
        REDIS_URL: redis.url,
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: apiUrl,
        CONFIG_DIR: tempConfigDir(),
      },
      // The sweep normally runs every minute; here every 300 ms so the test sees it.
      testOptions({ recoveryIntervalMs: 300, queueTimeoutMs: 500 }),
    );
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    await redis?.kill();
  });

  (enabled ? it : it.skip)(
    'readiness flips to 503 and back; nothing accepted is lost or posted twice',
    async () => {
      const before = await ready();
      expect(before.status).toBe(200);
      expect(before.body.details).toMatchObject({
        cache: { status: 'up', kind: 'redis' },
        'notification-queue': { status: 'up', kind: 'redis' },
      });

      // Accepted while Discord is failing: the notification waits in the Redis queue for its next attempt.
      fake.failNext({ method: 'POST', path: POSTS, status: 503, times: 10_000 });
      const meeting = await t.meetings.create({
        guildId,
        channelId: channel,
        host,
        title: 'Before the crash',
        type: 'meeting',
      });
      await eventually(
        async () => {
          const { items } = (
            await t.http.get(`/api/v1/guilds/${guildId}/notifications`).set(moderatorAuth(t, guildId))
          ).body;
          return items.length === 1 && items[0].status === 'failed';
        },
        10_000,
        'the first delivery attempt to fail',
      );

      await redis.kill();
      const down = await eventually(
        async () => {
          const res = await ready();
          return res.status === 503 && res;
        },
        10_000,
        'readiness 503',
      );
      expect(down.body.details.cache.status).toBe('down');
      expect(down.body.details['notification-queue'].status).toBe('down');
      await t.http.get('/health/live').expect(200);

      // A webhook during the outage: stored (storage is not Redis) and answered 200 in bounded time, though it
      // cannot be queued; the recovery sweep queues it once Redis is back.
      const recording = recordingReady(meeting, '0_after_crash');
      const during = await postWebhook(t, recording);
      expect(during.status).toBe(200);
      expect(during.body).toMatchObject({ duplicate: false });

      fake.clearFaults();
      await redis.up();
      await eventually(async () => (await ready()).status === 200, 15_000, 'readiness back to 200');

      // Kaltura got its 200 and will not send it again. The periodic sweep leaves events alone for a 30 s grace
      // period (the normal path may still be on them); run the sweep as it will run once that has passed.
      await t.app.get(NotificationRuntime).recover(new Date(Date.now() + 31_000));
      await eventually(() => messagesWith('Before the crash').length === 2, 15_000, 'both messages');
      // A duplicate would come from a sweep re-queueing delivered work: once the queue is empty, run one more sweep
      // (as the periodic one will) and let whatever it queues finish before counting.
      await queueDrained(t);
      expect(await t.app.get(NotificationRuntime).recover(new Date(Date.now() + 31_000))).toEqual({
        events: 0,
        notifications: 0,
      });
      await queueDrained(t);
      expect(
        messagesWith('Before the crash')
          .map((m) => m.message.content)
          .sort(),
      ).toEqual(
        [
          '📅 **Before the crash** (meeting) was started by Hosty McHost.',
          expect.stringMatching(/^🎬 The recording of \*\*Before the crash\*\* is ready: /),
        ].sort(),
      );

      // Caching writes reach the restarted server again.
      const cache = t.app.get<Cache>(CACHE_MANAGER);
      await eventually(
        async () => {
          await cache.set('kd:faults:probe', 'back', 60_000);
          return (await cache.get('kd:faults:probe')) === 'back';
        },
        10_000,
        'the cache to work again',
      );
      const direct = new Redis(redis.url);
      try {
        expect(await direct.exists('kd:faults:probe')).toBe(1);
      } finally {
        direct.disconnect();
      }
    },
  );
});
