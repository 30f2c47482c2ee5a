import { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import request from 'supertest';
import { RATE_LIMITS } from '../../src/modules/auth';
import { FailOpenThrottlerStorage } from '../../src/modules/auth/guards/throttler-storage';
import { AuthWorld, bearer, expectProblem, signIn, startAuthWorld } from '../auth/support';
import { TestApp, bootTestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { describeWithRedis, redisUrlForDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';

/** This suite's Redis database: other suites use other indexes, so FLUSHDB here touches nobody else. */
const REDIS_DB = REDIS_DBS.throttling;
const AUTH_LIMIT = RATE_LIMITS.auth.limit;
const DEFAULT_LIMIT = RATE_LIMITS.default.limit;

/** A sign-in attempt that fails cheaply (unknown API key) from a given client address. */
const attempt = (t: TestApp, ip: string) =>
  request(t.app.getHttpServer())
    .post('/api/v1/auth/token')
    .set('X-Forwarded-For', ip)
    .send({ grant_type: 'api_key', api_key: `kd_live_${'Z'.repeat(43)}` });

function expectRateLimited(res: request.Response): void {
  expectProblem(res, 429, 'RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(RATE_LIMITS.auth.ttlMs / 1000);
  expect(res.body.detail).toContain(`${retryAfter} seconds`);
}

describe('rate limits (in-memory store)', () => {
  let world: AuthWorld;
  let t: TestApp;

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env);
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it(`allows ${AUTH_LIMIT} sign-in attempts per minute per address, then answers 429 problem+json with Retry-After`, async () => {
    for (let i = 0; i < AUTH_LIMIT; i++)
      expectProblem(await attempt(t, '203.0.113.10'), 401, 'INVALID_GRANT');
    const limited = await attempt(t, '203.0.113.10');
    expectRateLimited(limited);
    expect(limited.headers['retry-after-auth']).toBeUndefined();
    // Another address has its own budget; the refresh route shares the strict auth budget.
    expectProblem(await attempt(t, '203.0.113.11'), 401, 'INVALID_GRANT');
    const refresh = await request(t.app.getHttpServer())
      .post('/api/v1/auth/refresh')
      .set('X-Forwarded-For', '203.0.113.10')
      .send({ refresh_token: 'x' });
    expectRateLimited(refresh);
  });

  it(`gives each token subject ${DEFAULT_LIMIT} requests per minute on the rest of the API, whatever the address`, async () => {
    const viewer = (await signIn(t, world, world.users.viewer, [world.guildA])).access_token;
    const mod = (await signIn(t, world, world.users.mod, [world.guildA])).access_token;
    // Reading one meeting is not a meeting command: the command budgets (limits.commands) do not count it.
    const created = await request(t.app.getHttpServer())
      .post(`/api/v1/guilds/${world.guildA}/meetings`)
      .set(bearer(mod))
      .send({ title: 'Throttled', type: 'meeting' });
    expect(created.status).toBe(201);
    const list = (token: string, ip: string) =>
      request(t.app.getHttpServer())
        .get(`/api/v1/guilds/${world.guildA}/meetings/${created.body.meeting.id}`)
        .set('X-Forwarded-For', ip)
        .set(bearer(token));
    for (let i = 0; i < DEFAULT_LIMIT; i++) {
      // Spread over addresses: the budget follows the token, not the IP.
      const res = await list(viewer, `192.0.2.${(i % 200) + 1}`);
      if (res.status !== 200) throw new Error(`request ${i + 1} answered ${res.status}`);
    }
    expectRateLimited(await list(viewer, '192.0.2.250'));
    // Another user on the very same address is unaffected.
    expect((await list(mod, '192.0.2.250')).status).toBe(200);
    expect((await list(mod, '192.0.2.250')).headers['x-ratelimit-limit']).toBe(String(DEFAULT_LIMIT));
  });
});

describeWithRedis('rate limits shared by two app instances through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let raw: Redis;
  const url = redisUrlForDb(REDIS_DB);

  beforeAll(async () => {
    raw = new Redis(url);
    await raw.flushdb();
    a = await bootTestApp({ REDIS_URL: url });
    b = await bootTestApp({ REDIS_URL: url });
    // The limiter lets requests through until its connection is up (fail open): wait for both.
    const storages = [a, b].map((t) => t.app.get<FailOpenThrottlerStorage>(ThrottlerStorage));
    await eventually(() => storages.every((s) => s.connected), 5_000, 'both limiter connections', 50);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await raw.flushdb();
    await raw.quit();
  });

  it('counts one budget across replicas: the limit holds whichever instance answers', async () => {
    for (let i = 0; i < AUTH_LIMIT; i++) {
      const res = await attempt(i % 2 === 0 ? a : b, '203.0.113.20');
      expect(res.status).toBe(401);
    }
    expectRateLimited(await attempt(a, '203.0.113.20'));
    expectRateLimited(await attempt(b, '203.0.113.20'));
    expect((await attempt(b, '203.0.113.21')).status).toBe(401);

    // Counters live under the module's prefix, keyed by a hash: no client address in clear. (Other modules of the
    // two apps keep their own keys in this database too.)
    const keys = (await raw.keys('*')).filter((k) => /:(hits|blocked)$/.test(k));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.startsWith('kd:auth:rl:')).toBe(true);
      expect(key).not.toContain('203.0.113');
    }
  });
});

describe('rate limits when Redis is unreachable', () => {
  it('fails open (the API keeps answering, authentication still applies) and logs the store error', async () => {
    const t = await bootTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      expectProblem(await attempt(t, '203.0.113.30'), 401, 'INVALID_GRANT');
      const unauthenticated = await request(t.app.getHttpServer()).get(
        '/api/v1/guilds/123456789012345678/meetings',
      );
      expectProblem(unauthenticated, 401, 'AUTH_REQUIRED');
      expect(t.logs.records().some((r) => r.module === 'ratelimit' && r.level === 'error')).toBe(true);
    } finally {
      await t.close();
    }
  }, 20_000);
});
