import { Client } from 'discord.js';
import Redis from 'ioredis';
import { RedisIdentifyThrottler, redisIdentifyThrottler } from '../../src/modules/discord/identify-throttler';
import { FakeDiscord } from '../fakes/discord';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';

const DB = REDIS_DBS.identifyPacing;
/** A short window so the test does not wait Discord's 5 s; the pacing rule is the same. */
const WINDOW_MS = 1_000;

/**
 * Rollouts do not trip Discord: two replicas (two discord.js clients, shards 0 and 1 of 2) starting together
 * against a gateway whose `max_concurrency` is 1 IDENTIFY at least a window apart when they share the Redis
 * throttler. Without it each process paces only itself, and both IDENTIFY at once.
 */
describeWithRedis('IDENTIFY pacing across replicas', () => {
  const fake = new FakeDiscord({ maxConcurrency: 1 });
  let redis: Redis;
  const clients: Client[] = [];

  beforeAll(async () => {
    await requireEmptyRedisDb(DB);
    redis = new Redis(redisUrlForDb(DB));
    await fake.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
    await redis.flushdb();
  });
  afterAll(async () => {
    await redis?.quit();
    await fake.stop();
  });

  /** Starts one client per shard at the same moment; resolves with the fake's IDENTIFY times per shard. */
  async function startReplicas(ws: Record<string, unknown>): Promise<number[]> {
    const seen = fake.gatewayLog.length;
    const replicas = [0, 1].map(
      (shard) => new Client({ intents: [], rest: { api: fake.apiUrl }, shards: [shard], shardCount: 2, ws }),
    );
    clients.push(...replicas);
    await Promise.all(replicas.map((c) => c.login(fake.token)));
    return fake.gatewayLog
      .slice(seen)
      .filter((e) => e.direction === 'in' && e.op === 2)
      .map((e) => e.at)
      .sort((a, b) => a - b);
  }

  it('with the Redis throttler, the second IDENTIFY comes a window after the first', async () => {
    const times = await startReplicas({
      buildIdentifyThrottler: redisIdentifyThrottler(redis, { windowMs: WINDOW_MS, scope: 'test' }),
    });
    expect(times).toHaveLength(2);
    // The lock is taken before the IDENTIFY is sent; allow the first send's own few milliseconds.
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(WINDOW_MS - 50);
  });

  it('without it (the default, per process), both replicas IDENTIFY at once', async () => {
    const times = await startReplicas({});
    expect(times).toHaveLength(2);
    expect(times[1] - times[0]).toBeLessThan(WINDOW_MS);
  });

  it('buckets by shard id modulo max_concurrency: different buckets do not wait for each other', async () => {
    const throttler = new RedisIdentifyThrottler(redis, { maxConcurrency: 2, windowMs: 60_000, scope: 'b' });
    const signal = new AbortController().signal;
    await throttler.waitForIdentify(0, signal);
    await throttler.waitForIdentify(1, signal); // bucket 1: free at once, although bucket 0 is held for 60 s
    expect(await redis.pttl('kd:discord:identify:b:0')).toBeGreaterThan(50_000);
    expect(await redis.pttl('kd:discord:identify:b:1')).toBeGreaterThan(50_000);
  });
});
