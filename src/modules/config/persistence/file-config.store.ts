import { createHash, randomBytes } from 'node:crypto';
import { FSWatcher, promises as fsp, watch } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ConfigStoreConflictError, ConfigStoreCorruptError } from '../config.errors';
import { ConfigStore, OverrideChangeListener, StoredOverride } from '../config-store.port';
import type { JsonObject } from '../config.types';

const OVERRIDE_FILE = /^(\d{17,20})\.json$/;
const TEMP_FILE = /^\..+\.tmp$/;

/** The file-system calls the store makes; tests replace some to simulate a crash mid-write. */
export type FileOps = Pick<
  typeof fsp,
  'readFile' | 'open' | 'rename' | 'unlink' | 'readdir' | 'mkdir' | 'stat'
>;

export interface FileConfigStoreOptions {
  /** Quiet time before a burst of file events is reported (editors write in several steps). */
  debounceMs?: number;
  /** How long a writer waits for another writer's lock before giving up. */
  lockTimeoutMs?: number;
  /** A lock older than this was left by a crashed writer and is broken. */
  staleLockMs?: number;
  fs?: Partial<FileOps>;
}

export const versionOf = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Overrides as `<dir>/<guildId>.json`, each holding only that guild's diff from the defaults. Writes go to a
 * temporary file in the same directory, are fsynced, then renamed over the target: a reader (or a crash) sees
 * the old file or the new one, never half of one. A per-guild lock file serializes writers across processes
 * sharing the directory; the version is a hash of the content, so edits by hand are versions too.
 */
export class FileConfigStore extends ConfigStore {
  readonly kind = 'file' as const;
  private readonly logger = new Logger('config');
  private readonly fs: FileOps;
  private readonly debounceMs: number;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;
  private watcher?: FSWatcher;
  private readonly listeners = new Set<OverrideChangeListener>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private ready?: Promise<void>;

  constructor(
    readonly dir: string,
    options: FileConfigStoreOptions = {},
  ) {
    super();
    this.fs = { ...fsp, ...options.fs } as FileOps;
    this.debounceMs = options.debounceMs ?? 150;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 3_000;
    this.staleLockMs = options.staleLockMs ?? 10_000;
  }

  /** Creates the directory and removes temporary files that crashed writers left behind. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await this.fs.mkdir(this.dir, { recursive: true });
      const cutoff = Date.now() - 60_000; // younger ones may belong to a writer in another replica
      for (const name of await this.fs.readdir(this.dir)) {
        if (!TEMP_FILE.test(name)) continue;
        const stat = await this.fs.stat(join(this.dir, name)).catch(() => null);
        if (stat && stat.mtimeMs < cutoff) await this.fs.unlink(join(this.dir, name)).catch(() => undefined);
      }
    })();
    return this.ready;
  }

  private file(guildId: string): string {
    // The service checks ids too; this keeps a bad id from ever becoming a path outside the directory.
    if (!/^\d{17,20}$/.test(guildId)) throw new Error('guild id must be a snowflake');
    return join(this.dir, `${guildId}.json`);
  }

  private async readText(guildId: string): Promise<string | null> {
    try {
      return await this.fs.readFile(this.file(guildId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async load(guildId: string): Promise<StoredOverride | null> {
    const text = await this.readText(guildId);
    if (text === null) return null;
    const version = versionOf(text);
    try {
      return { data: JSON.parse(text) as unknown, version };
    } catch (e) {
      throw new ConfigStoreCorruptError(guildId, (e as Error).message, version);
    }
  }

  async save(guildId: string, override: JsonObject, expectedVersion: string | null): Promise<string> {
    const target = this.file(guildId);
    const text = `${JSON.stringify(override, null, 2)}\n`;
    await this.init();
    return this.locked(guildId, async () => {
      await this.expect(guildId, expectedVersion);
      const temp = join(this.dir, `.${guildId}.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        const handle = await this.fs.open(temp, 'wx', 0o644);
        try {
          await handle.writeFile(text, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await this.fs.rename(temp, target);
      } catch (e) {
        await this.fs.unlink(temp).catch(() => undefined);
        throw e;
      }
      await this.syncDir();
      return versionOf(text);
    });
  }

  async remove(guildId: string, expectedVersion: string | null): Promise<void> {
    const target = this.file(guildId);
    await this.init();
    await this.locked(guildId, async () => {
      await this.expect(guildId, expectedVersion);
      if (expectedVersion !== null) await this.fs.unlink(target);
      await this.syncDir();
    });
  }

  async list(): Promise<string[]> {
    await this.init();
    const names = await this.fs.readdir(this.dir);
    return names.flatMap((n) => OVERRIDE_FILE.exec(n)?.[1] ?? []);
  }

  override watch(listener: OverrideChangeListener): () => void {
    this.listeners.add(listener);
    void this.startWatching();
    return () => this.listeners.delete(listener);
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async startWatching(): Promise<void> {
    if (this.watcher || this.closed) return;
    try {
      await this.init();
      if (this.watcher || this.closed) return;
      this.watcher = watch(this.dir, { persistent: false }, (_event, filename) => this.onFileEvent(filename));
      this.watcher.on('error', (err) => {
        this.logger.error({ err: err.message, dir: this.dir }, 'Watching config overrides failed; retrying');
        this.watcher?.close();
        this.watcher = undefined;
        if (!this.closed) setTimeout(() => void this.startWatching(), 5_000).unref();
      });
    } catch (e) {
      this.logger.warn(
        { err: (e as Error).message, dir: this.dir },
        'Config overrides are not watched: changes on disk apply when the cache expires',
      );
    }
  }

  private onFileEvent(filename: string | Buffer | null): void {
    const name = filename?.toString();
    if (name && !OVERRIDE_FILE.test(name)) return; // temp and lock files
    const guildId = name ? (OVERRIDE_FILE.exec(name)?.[1] ?? '*') : '*';
    clearTimeout(this.timers.get(guildId));
    const timer = setTimeout(() => {
      this.timers.delete(guildId);
      for (const l of this.listeners) l(guildId);
    }, this.debounceMs);
    timer.unref();
    this.timers.set(guildId, timer);
  }

  private async expect(guildId: string, expectedVersion: string | null): Promise<void> {
    const text = await this.readText(guildId);
    const current = text === null ? null : versionOf(text);
    if (current !== expectedVersion) throw new ConfigStoreConflictError(guildId);
  }

  /** Runs `fn` holding `<dir>/.<guildId>.lock` (O_EXCL), breaking locks left by crashed writers. */
  private async locked<T>(guildId: string, fn: () => Promise<T>): Promise<T> {
    const lock = join(this.dir, `.${guildId}.lock`);
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      try {
        await (await this.fs.open(lock, 'wx')).close();
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const stat = await this.fs.stat(lock).catch(() => null);
        if (stat && Date.now() - stat.mtimeMs > this.staleLockMs) {
          await this.fs.unlink(lock).catch(() => undefined);
          continue;
        }
        if (Date.now() > deadline) throw new ConfigStoreConflictError(guildId);
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
      }
    }
    try {
      return await fn();
    } finally {
      await this.fs.unlink(lock).catch(() => undefined);
    }
  }

  /** Makes the rename itself durable (the directory entry), where the platform allows it. */
  private async syncDir(): Promise<void> {
    try {
      const handle = await this.fs.open(this.dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Some file systems refuse fsync on directories; the rename is still atomic there.
    }
  }
}
