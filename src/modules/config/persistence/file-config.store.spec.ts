import {
  existsSync,
  mkdtempSync,
  promises as fsp,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ConfigStoreConflictError, ConfigStoreCorruptError } from '../config.errors';
import { FileConfigStore, versionOf } from './file-config.store';

const G = '123456789012345678';
const H = '223456789012345678';
const PROBE = '999999999999999999';

/** Polls `check` every 10 ms until it is true; fails after 5 s naming `what`. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Waits until a watcher is up: it reports a probe file (another guild's) written now. The probe is rewritten
 * now and then (not on every poll, which would keep restarting the debounce) until `reported` says it was seen.
 */
async function watching(dir: string, reported: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  for (let tick = 0; !reported(); tick++) {
    if (Date.now() > end) throw new Error('Timed out waiting for the watcher to start');
    if (tick % 20 === 0) writeFileSync(join(dir, `${PROBE}.json`), '{}');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('FileConfigStore', () => {
  let dir: string;
  const stores: FileConfigStore[] = [];
  const make = (options: ConstructorParameters<typeof FileConfigStore>[1] = {}) => {
    const s = new FileConfigStore(dir, options);
    stores.push(s);
    return s;
  };

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'kd-file-store-')), 'overrides');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes <guildId>.json as readable JSON holding exactly the override', async () => {
    const store = make();
    const version = await store.save(G, { features: { scheduledEvents: true } }, null);
    const text = readFileSync(join(dir, `${G}.json`), 'utf8');
    expect(JSON.parse(text)).toEqual({ features: { scheduledEvents: true } });
    expect(version).toBe(versionOf(text));
  });

  it('never turns a guild id into a path outside its directory', async () => {
    const store = make();
    await expect(store.load('../../etc/passwd')).rejects.toThrow(/snowflake/);
    await expect(store.save('../x', {}, null)).rejects.toThrow(/snowflake/);
  });

  it('reports a file that is not JSON as corrupt, with the version of what is there', async () => {
    const store = make();
    await store.init();
    writeFileSync(join(dir, `${G}.json`), '{"features": ');
    const error = await store.load(G).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigStoreCorruptError);
    expect((error as ConfigStoreCorruptError).version).toBe(versionOf('{"features": '));
    // …and a write can replace exactly that content.
    await store.save(G, { features: {} }, (error as ConfigStoreCorruptError).version);
    expect((await store.load(G))?.data).toEqual({ features: {} });
  });

  describe('atomic writes', () => {
    it('keeps the old file intact when the process dies between the temp write and the rename', async () => {
      const store = make();
      const v1 = await store.save(G, { features: { scheduledEvents: true } }, null);
      const before = readFileSync(join(dir, `${G}.json`), 'utf8');
      const crashing = make({
        fs: {
          rename: async () => {
            throw Object.assign(new Error('simulated crash before rename'), { code: 'EIO' });
          },
        },
      });
      await expect(crashing.save(G, { features: { scheduledEvents: false } }, v1)).rejects.toThrow(/crash/);
      expect(readFileSync(join(dir, `${G}.json`), 'utf8')).toBe(before);
      expect((await store.load(G))?.version).toBe(v1);
      // Nothing left behind: neither the temp file nor the lock.
      expect(readdirSync(dir)).toEqual([`${G}.json`]);
    });

    it('keeps the old file intact when writing the temp file fails half-way', async () => {
      const store = make();
      const v1 = await store.save(G, { features: { a: true } }, null);
      const failing = make({
        fs: {
          open: (async (path: string, flags: string, mode?: number) => {
            const handle = await fsp.open(path, flags, mode);
            if (!String(path).endsWith('.tmp')) return handle;
            return Object.assign(Object.create(handle), {
              writeFile: async (text: string) => {
                await handle.writeFile(text.slice(0, 5));
                throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
              },
              close: () => handle.close(),
              sync: () => handle.sync(),
            });
          }) as never,
        },
      });
      await expect(failing.save(G, { features: { a: false } }, v1)).rejects.toThrow(/disk full/);
      expect((await store.load(G))?.data).toEqual({ features: { a: true } });
      expect(readdirSync(dir)).toEqual([`${G}.json`]);
    });

    it('ignores temp files left by a crash, and sweeps old ones at start-up (young ones may be in use)', async () => {
      const store = make();
      await store.save(G, { features: { a: true } }, null);
      const old = join(dir, `.${G}.json.999.dead.tmp`);
      const young = join(dir, `.${G}.json.999.live.tmp`);
      writeFileSync(old, '{"half": ');
      writeFileSync(young, '{"half": ');
      utimesSync(old, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
      expect(await store.list()).toEqual([G]);
      expect((await store.load(G))?.data).toEqual({ features: { a: true } });
      await make().init();
      expect(existsSync(old)).toBe(false);
      expect(existsSync(young)).toBe(true);
    });
  });

  describe('locking across processes sharing the directory', () => {
    it('serializes writers of one guild: the second sees the first one’s version and conflicts', async () => {
      const [a, b] = [make(), make()];
      const v1 = await a.save(G, { n: 0 }, null);
      const results = await Promise.allSettled([a.save(G, { n: 1 }, v1), b.save(G, { n: 2 }, v1)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    });

    it('does not hold up other guilds, and breaks a lock left by a crashed writer', async () => {
      const store = make({ staleLockMs: 1_000, lockTimeoutMs: 5_000 });
      await store.init();
      const lock = join(dir, `.${G}.lock`);
      writeFileSync(lock, '');
      await store.save(H, { other: true }, null);
      utimesSync(lock, new Date(Date.now() - 5_000), new Date(Date.now() - 5_000));
      await store.save(G, { n: 1 }, null);
      expect(existsSync(lock)).toBe(false);
    });

    it('gives up with a conflict when a live lock is never released', async () => {
      const store = make({ lockTimeoutMs: 100 });
      await store.init();
      writeFileSync(join(dir, `.${G}.lock`), '');
      await expect(store.save(G, { n: 1 }, null)).rejects.toBeInstanceOf(ConfigStoreConflictError);
    });
  });

  describe('watching', () => {
    it('reports an edited file once per burst, after the debounce, and ignores temp and lock files', async () => {
      const store = make({ debounceMs: 50 });
      await store.init();
      const seen: string[] = [];
      store.watch((g) => seen.push(g));
      // The watcher is up once it reports a file written now (another guild's, so it is not counted below).
      await watching(dir, () => seen.length > 0);
      seen.length = 0;
      writeFileSync(join(dir, `.${G}.json.1.x.tmp`), '{}');
      writeFileSync(join(dir, `.${G}.lock`), '');
      for (let i = 0; i < 3; i++) writeFileSync(join(dir, `${G}.json`), JSON.stringify({ n: i }));
      // A later edit of another guild, debounced the same way: a second report of the burst would come before it.
      writeFileSync(join(dir, `${H}.json`), '{}');
      await eventually(() => seen.includes(H), `${H} reported`);
      expect(seen).toEqual([G, H]);
    });

    it('stops reporting once closed', async () => {
      const store = make({ debounceMs: 20 });
      await store.init();
      const seen: string[] = [];
      store.watch((g) => seen.push(g));
      // A second store watching the same directory, left open: it shows when the edit has been reported.
      const witness = make({ debounceMs: 20 });
      await witness.init();
      const witnessed: string[] = [];
      witness.watch((g) => witnessed.push(g));
      await watching(dir, () => witnessed.length > 0);
      await store.close();
      seen.length = 0; // the probes it saw while open; nothing may come from now on
      writeFileSync(join(dir, `${G}.json`), '{}');
      await eventually(() => witnessed.includes(G), 'the witness to report the edit');
      expect(seen).toEqual([]);
    });
  });
});
