import { randomUUID } from 'node:crypto';
import type { Cache } from 'cache-manager';

/**
 * What every cache store must do for the service (the same for in-memory and Redis): the modules rely on these
 * rules, so a new store must pass them before it is wired in.
 */
export function cacheContract(
  name: string,
  make: () => Promise<{ cache: Cache; close: () => Promise<void> }>,
): void {
  describe(`cache contract: ${name}`, () => {
    let cache: Cache;
    let close: () => Promise<void>;
    const key = (k: string) => `kd:test:${randomUUID()}:${k}`;

    beforeAll(async () => {
      ({ cache, close } = await make());
    });
    afterAll(() => close());

    it('misses with undefined', async () => {
      expect(await cache.get(key('missing'))).toBeUndefined();
    });

    it('round-trips JSON values exactly', async () => {
      const k = key('value');
      const value = { a: 1, nested: { list: [1, 'two', null, true] }, text: 'héllo ✓ <@everyone>' };
      await cache.set(k, value);
      expect(await cache.get(k)).toEqual(value);
    });

    it('overwrites and deletes', async () => {
      const k = key('ow');
      await cache.set(k, 'one');
      await cache.set(k, 'two');
      expect(await cache.get(k)).toBe('two');
      await cache.del(k);
      expect(await cache.get(k)).toBeUndefined();
    });

    it('expires entries after their TTL', async () => {
      const k = key('ttl');
      await cache.set(k, 'short', 150);
      expect(await cache.get(k)).toBe('short');
      // Kept as a real wait: the TTL is counted by the store itself (Redis's clock for the Redis store), not ours.
      await new Promise((r) => setTimeout(r, 400));
      expect(await cache.get(k)).toBeUndefined();
    });

    it('keeps keys apart', async () => {
      const [a, b] = [key('a'), key('b')];
      await cache.mset([
        { key: a, value: 1 },
        { key: b, value: 2 },
      ]);
      expect(await cache.mget([a, b])).toEqual([1, 2]);
    });
  });
}
