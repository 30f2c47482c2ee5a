import { Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { GuildConfig, JsonObject } from './config.types';
import { deepFreeze } from './domain/config-merge';

/** One cached effective configuration and what it was computed from. */
export interface CachedConfig {
  config: GuildConfig;
  /** The override merged into it (what the guild changed), for views that mark default vs override. */
  override: JsonObject;
  /** Version of the override it was merged from (null: none stored, or running on a fallback). */
  overrideVersion: string | null;
  defaultsVersion: string;
  /** Absolute expiry (ms since epoch): both layers honour the same deadline. */
  expiresAt: number;
}

export const cacheKey = (guildId: string): string => `kd:config:${guildId}`;

/**
 * Two layers: a per-process map (no I/O, frozen objects shared by callers) in front of the shared cache
 * (`CACHE_MANAGER`: Redis when configured, so a cold replica does not need the store). Entries are refused
 * when they were built from other defaults, or from another override version than the last one announced for
 * the guild: a replica that raced a writer cannot put a stale entry back.
 */
export class ConfigCache {
  private readonly logger = new Logger('config');
  private readonly local = new Map<string, CachedConfig>();
  /** Latest override version known per guild, and when (in `seq` ticks) it became known. */
  private readonly known = new Map<string, { version: string | null; seq: number }>();
  private seq = 0;

  constructor(
    private readonly shared: Cache,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private usable(entry: CachedConfig | undefined, guildId: string, defaultsVersion: string): boolean {
    if (!entry || entry.expiresAt <= this.now() || entry.defaultsVersion !== defaultsVersion) return false;
    const known = this.known.get(guildId);
    return !known || known.version === entry.overrideVersion;
  }

  /** The cached config and the layer that had it, or undefined. */
  async get(
    guildId: string,
    defaultsVersion: string,
  ): Promise<{ entry: CachedConfig; layer: 'local' | 'shared' } | undefined> {
    const local = this.local.get(guildId);
    if (this.usable(local, guildId, defaultsVersion)) return { entry: local as CachedConfig, layer: 'local' };
    if (local) this.local.delete(guildId);
    let shared: CachedConfig | undefined;
    try {
      shared = await this.shared.get<CachedConfig>(cacheKey(guildId));
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Config cache read failed');
    }
    if (!shared || !this.usable(shared, guildId, defaultsVersion)) return undefined;
    deepFreeze(shared);
    this.local.set(guildId, shared);
    return { entry: shared, layer: 'shared' };
  }

  /** Take one before reading the store; hand it to `set` with what was read. */
  ticket(): number {
    return this.seq;
  }

  /**
   * Caches what was read from the store under `ticket`. When a newer version was announced while reading,
   * the entry may be stale: it is returned for this call but not cached. Returns the (frozen) entry.
   */
  async set(
    guildId: string,
    entry: Omit<CachedConfig, 'expiresAt'>,
    ticket: number,
    ttlMs = this.ttlMs,
  ): Promise<CachedConfig> {
    const full: CachedConfig = deepFreeze({ ...entry, expiresAt: this.now() + ttlMs });
    const known = this.known.get(guildId);
    if (known && known.seq > ticket && known.version !== entry.overrideVersion) return full;
    // Read after the last announcement: what was read is the newest version this replica knows of.
    if (known) this.known.set(guildId, { version: entry.overrideVersion, seq: known.seq });
    this.local.set(guildId, full);
    try {
      await this.shared.set(cacheKey(guildId), full, ttlMs);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Config cache write failed');
    }
    return full;
  }

  /**
   * Drops a guild's entry from both layers. `version`, when given, is the override version now stored:
   * entries built from anything else are refused from now on.
   */
  async invalidate(guildId: string, version?: string | null): Promise<void> {
    this.local.delete(guildId);
    if (version !== undefined) this.known.set(guildId, { version, seq: ++this.seq });
    try {
      await this.shared.del(cacheKey(guildId));
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Config cache delete failed');
    }
  }

  /** The local entry even when expired (to tell whether a reload changed anything). */
  peek(guildId: string): CachedConfig | undefined {
    return this.local.get(guildId);
  }

  /** Forgets every local entry (after missing invalidations, e.g. a Redis reconnect, or new defaults). */
  clearLocal(): void {
    this.local.clear();
    this.known.clear();
    this.seq++;
  }
}
