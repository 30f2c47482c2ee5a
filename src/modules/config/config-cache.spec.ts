import { Logger } from '@nestjs/common';
import { createCache } from 'cache-manager';
import { CachedConfig, ConfigCache, cacheKey } from './config-cache';
import type { GuildConfig } from './config.types';

const G = '123456789012345678';
const entry = (version: string | null, marker = version ?? 'none'): Omit<CachedConfig, 'expiresAt'> => ({
  config: { features: { marker } } as unknown as GuildConfig,
  override: {},
  overrideVersion: version,
  defaultsVersion: 'd1',
});
const markerOf = (hit: { entry: CachedConfig } | undefined) =>
  (hit?.entry.config.features as unknown as { marker?: string } | undefined)?.marker;

describe('ConfigCache', () => {
  let now = 1_000;
  const clock = () => now;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    now = 1_000;
  });

  it('serves from the local layer, then from the shared one when the local copy is gone', async () => {
    const shared = createCache();
    const cache = new ConfigCache(shared, 60_000, clock);
    await cache.set(G, entry('v1'), cache.ticket());
    expect((await cache.get(G, 'd1'))?.layer).toBe('local');
    cache.clearLocal();
    expect((await cache.get(G, 'd1'))?.layer).toBe('shared');
    expect(await shared.get(cacheKey(G))).toBeDefined();
  });

  it('expires entries after the TTL in both layers', async () => {
    const cache = new ConfigCache(createCache(), 1_000, clock);
    await cache.set(G, entry('v1'), cache.ticket());
    now += 999;
    expect(await cache.get(G, 'd1')).toBeDefined();
    now += 1;
    expect(await cache.get(G, 'd1')).toBeUndefined();
  });

  it('refuses entries built from other defaults', async () => {
    const cache = new ConfigCache(createCache(), 60_000, clock);
    await cache.set(G, entry('v1'), cache.ticket());
    expect(await cache.get(G, 'd2')).toBeUndefined();
  });

  it('after an announcement, refuses entries of another version, even ones another replica put back', async () => {
    const shared = createCache();
    const cache = new ConfigCache(shared, 60_000, clock);
    await cache.set(G, entry('v1'), cache.ticket());
    await cache.invalidate(G, 'v2');
    // A racing replica writes its stale v1 copy into the shared cache after the invalidation.
    await shared.set(cacheKey(G), { ...entry('v1'), expiresAt: now + 60_000 });
    expect(await cache.get(G, 'd1')).toBeUndefined();
    await cache.set(G, entry('v2'), cache.ticket());
    expect(markerOf(await cache.get(G, 'd1'))).toBe('v2');
  });

  it('does not cache what was read before a newer version was announced', async () => {
    const cache = new ConfigCache(createCache(), 60_000, clock);
    const ticket = cache.ticket(); // a read of the store starts…
    await cache.invalidate(G, 'v2'); // …another replica announces v2 meanwhile…
    const returned = await cache.set(G, entry('v1'), ticket); // …and the read returns v1
    expect(returned.overrideVersion).toBe('v1');
    expect(await cache.get(G, 'd1')).toBeUndefined();
  });

  it('follows the store when a read after the announcement finds a newer version (hot reload)', async () => {
    const cache = new ConfigCache(createCache(), 60_000, clock);
    await cache.invalidate(G, 'v2');
    await cache.set(G, entry('v3'), cache.ticket()); // read after the announcement: v3 is the newest
    expect(markerOf(await cache.get(G, 'd1'))).toBe('v3');
  });

  it('hands out frozen entries', async () => {
    const cache = new ConfigCache(createCache(), 60_000, clock);
    const e = await cache.set(G, entry('v1'), cache.ticket());
    expect(Object.isFrozen(e.config.features)).toBe(true);
  });
});
