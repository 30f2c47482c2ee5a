import { randomUUID } from 'node:crypto';
import { ConfigStoreConflictError } from '../../src/modules/config/config.errors';
import { ConfigAuditLog, ConfigStore } from '../../src/modules/config/config-store.port';
import type { ConfigAuditEntry } from '../../src/modules/config';

let seq = 0;
/** A fresh snowflake-shaped guild id per test, so stores shared between runs never collide. */
const newGuild = () =>
  `${9_000_000_000_000_000_000n + BigInt(Date.now() % 1e9) * 1000n + BigInt(seq++ % 1000)}`;

/**
 * What every configuration store must do (files, MongoDB, memory): the service's guarantees (no lost update,
 * no half-written override, guild isolation) rest on these rules.
 */
export function configStoreContract(
  name: string,
  make: () => Promise<{ store: ConfigStore; close: () => Promise<void> }>,
): void {
  describe(`config store contract: ${name}`, () => {
    let store: ConfigStore;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ store, close } = await make());
    });
    afterAll(() => close());

    it('has nothing for a guild that never saved', async () => {
      expect(await store.load(newGuild())).toBeNull();
    });

    it('round-trips an override exactly, including keys with dots, dollars and non-ASCII text', async () => {
      const g = newGuild();
      const override = {
        roles: { mapping: { 'Team.Lead': 'admin', $weird: 'viewer', 'Équipe ✓': 'moderator' } },
        notifications: { templates: { meeting_end: '✅ **{{meeting.title}}** <@everyone> "quoted"' } },
        commands: { permissions: { 'kaltura-start': ['A', 'B'] } },
      };
      const version = await store.save(g, override, null);
      expect(typeof version).toBe('string');
      expect(await store.load(g)).toEqual({ data: override, version });
    });

    // Files use a hash of the content as version: writing back an earlier content may give back its version,
    // which is harmless (a writer that read that content still sees exactly it).
    it('gives every write of a new content a new version', async () => {
      const g = newGuild();
      const v1 = await store.save(g, { features: { a: 1 } }, null);
      const v2 = await store.save(g, { features: { a: 2 } }, v1);
      const v3 = await store.save(g, { features: { a: 3 } }, v2);
      expect(new Set([v1, v2, v3]).size).toBe(3);
      expect((await store.load(g))?.version).toBe(v3);
    });

    it('refuses a write over a version it did not read, changing nothing', async () => {
      const g = newGuild();
      const v1 = await store.save(g, { n: 1 }, null);
      await store.save(g, { n: 2 }, v1);
      await expect(store.save(g, { n: 3 }, v1)).rejects.toBeInstanceOf(ConfigStoreConflictError);
      await expect(store.save(g, { n: 3 }, null)).rejects.toBeInstanceOf(ConfigStoreConflictError);
      expect((await store.load(g))?.data).toEqual({ n: 2 });
    });

    it('lets exactly one of two concurrent writers over the same version win', async () => {
      const g = newGuild();
      const v1 = await store.save(g, { n: 0 }, null);
      const results = await Promise.allSettled([
        store.save(g, { n: 'a' }, v1),
        store.save(g, { n: 'b' }, v1),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(ConfigStoreConflictError);
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect((await store.load(g))?.data).toEqual({ n: winner === 0 ? 'a' : 'b' });
    });

    it('removes under the same rule, and removing nothing is a no-op', async () => {
      const g = newGuild();
      await store.remove(g, null);
      const v1 = await store.save(g, { n: 1 }, null);
      await expect(store.remove(g, null)).rejects.toBeInstanceOf(ConfigStoreConflictError);
      await expect(store.remove(g, 'not-the-version')).rejects.toBeInstanceOf(ConfigStoreConflictError);
      expect(await store.load(g)).not.toBeNull();
      await store.remove(g, v1);
      expect(await store.load(g)).toBeNull();
      // A removed override can be written again from scratch.
      await store.save(g, { n: 2 }, null);
      expect((await store.load(g))?.data).toEqual({ n: 2 });
    });

    it('keeps guilds apart and lists the guilds that have an override', async () => {
      const [a, b, c] = [newGuild(), newGuild(), newGuild()];
      await store.save(a, { who: 'a' }, null);
      const vb = await store.save(b, { who: 'b' }, null);
      await store.remove(b, vb);
      expect((await store.load(a))?.data).toEqual({ who: 'a' });
      expect(await store.load(c)).toBeNull();
      const ids = await store.list();
      expect(ids).toContain(a);
      expect(ids).not.toContain(b);
      expect(ids).not.toContain(c);
    });
  });
}

/** What every audit store must do: keep each change whole, per guild, newest first. */
export function configAuditContract(
  name: string,
  make: () => Promise<{ audit: ConfigAuditLog; close: () => Promise<void> }>,
): void {
  describe(`config audit contract: ${name}`, () => {
    let audit: ConfigAuditLog;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ audit, close } = await make());
    });
    afterAll(() => close());

    const entry = (guildId: string, at: number, keys: string[]): ConfigAuditEntry => ({
      id: randomUUID(),
      guildId,
      at: new Date(at),
      actor: { kind: 'discord', id: '123456789012345678', name: 'Ada' },
      action: 'update',
      keys,
      changes: keys.map((k) => ({ key: k, old: { nested: ['x'] } as never, new: null })),
    });

    it('round-trips an entry whole', async () => {
      const g = newGuild();
      const e = entry(g, Date.UTC(2026, 0, 1), ['roles.mapping.Team.Lead']);
      await audit.record(e);
      expect(await audit.list(g, 10)).toEqual([e]);
    });

    it('lists newest first, up to the limit, one guild only', async () => {
      const [g, other] = [newGuild(), newGuild()];
      const base = Date.UTC(2026, 0, 1);
      for (let i = 0; i < 5; i++) await audit.record(entry(g, base + i * 1000, [`k${i}`]));
      await audit.record(entry(other, base, ['other']));
      const listed = await audit.list(g, 3);
      expect(listed.map((e) => e.keys[0])).toEqual(['k4', 'k3', 'k2']);
      expect((await audit.list(other, 10)).map((e) => e.keys[0])).toEqual(['other']);
    });
  });
}
