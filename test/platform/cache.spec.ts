import { createCache } from 'cache-manager';
import request from 'supertest';
import { createCacheStore } from '../../src/platform/cache';
import { loadSettings } from '../../src/platform/settings';
import { cacheContract } from '../contracts/cache.contract';
import { bootTestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { resetProcessState } from '../support/full-app';
import { TEST_REDIS_URL, describeWithRedis } from '../support/redis';

const storeFor = (env: Record<string, string>) => async () => {
  const keyv = createCacheStore(loadSettings(env));
  const cache = createCache({ stores: [keyv] });
  return { cache, close: () => cache.disconnect().then(() => undefined) };
};

cacheContract('memory', storeFor({}));

describeWithRedis('with Redis', () => {
  cacheContract('redis', storeFor({ REDIS_URL: TEST_REDIS_URL }));

  it('stores keys in Redis exactly as named, so kd:<module>: prefixes are what operators see', async () => {
    const keyv = createCacheStore(loadSettings({ REDIS_URL: TEST_REDIS_URL }));
    const cache = createCache({ stores: [keyv] });
    await cache.set('kd:test:namespace', 'x', 5_000);
    const { default: Redis } = await import('ioredis');
    const raw = new Redis(TEST_REDIS_URL);
    expect(await raw.get('kd:test:namespace')).not.toBeNull();
    expect(await raw.pttl('kd:test:namespace')).toBeGreaterThan(0);
    await raw.quit();
    await cache.disconnect();
  });

  it('reports the cache up in readiness when Redis answers', async () => {
    const t = await bootTestApp({ REDIS_URL: TEST_REDIS_URL });
    const res = await request(t.app.getHttpServer()).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.details.cache).toEqual({ status: 'up', kind: 'redis' });
    await t.close();
  });
});

describe('with an unreachable Redis', () => {
  it('reports readiness 503 naming the cache, and logs the error instead of hiding it', async () => {
    // Another app of this file booted first: its logger would otherwise receive this app's lines.
    resetProcessState();
    const t = await bootTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    const res = await request(t.app.getHttpServer()).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.error.cache.status).toBe('down');
    expect(res.body.details.storage.status).toBe('up');
    await eventually(
      () => t.logs.records().some((r) => r.module === 'redis' && r.level === 'error'),
      5_000,
      'the Redis error log line',
    );
    // Liveness does not depend on Redis.
    expect((await request(t.app.getHttpServer()).get('/health/live')).status).toBe(200);
    await t.close();
  });
});
