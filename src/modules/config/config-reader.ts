import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { CachedConfig, ConfigCache } from './config-cache';
import { ConfigDefaults } from './config-defaults';
import { ConfigOverrides } from './config-overrides';
import { CONFIG_EVENTS, ConfigChangedEvent, GuildConfig, JsonObject } from './config.types';
import { CONFIG_METRICS } from './config.metrics';
import { deepMerge } from './domain/config-merge';
import { isSnowflake } from './domain/config.schema';

/** How long a copy served while the store is down is kept before asking the store again. */
const UNAVAILABLE_TTL_MS = 5_000;

/**
 * Effective configurations: defaults ← override, from the cache when it has them, else read (once per guild
 * however many callers ask at the same time) and cached.
 */
@Injectable()
export class ConfigReader {
  private readonly logger = new Logger('config');
  private readonly inflight = new Map<string, Promise<CachedConfig>>();

  constructor(
    private readonly defaults: ConfigDefaults,
    private readonly overrides: ConfigOverrides,
    private readonly cache: ConfigCache,
    @InjectMetric(CONFIG_METRICS.cache) private readonly lookups: Counter<string>,
    @InjectMetric(CONFIG_METRICS.changes) private readonly changes: Counter<string>,
    @Optional() private readonly events?: EventEmitter2,
  ) {}

  /** The effective config of a guild (frozen). Ids that are not snowflakes cannot have overrides: defaults. */
  async get(guildId: string): Promise<GuildConfig> {
    if (!isSnowflake(guildId)) return this.defaults.config;
    return (await this.entry(guildId)).config;
  }

  /** The cached entry (config, override, versions), loading it on a miss. */
  async entry(guildId: string): Promise<CachedConfig> {
    const hit = await this.cache.get(guildId, this.defaults.version);
    if (hit) {
      this.lookups.inc({ result: 'hit' });
      return hit.entry;
    }
    this.lookups.inc({ result: 'miss' });
    return this.load(guildId);
  }

  /** Reads the store now (one read per guild at a time) and caches the result. */
  load(guildId: string): Promise<CachedConfig> {
    let pending = this.inflight.get(guildId);
    if (!pending) {
      pending = this.read(guildId).finally(() => this.inflight.delete(guildId));
      this.inflight.set(guildId, pending);
    }
    return pending;
  }

  private async read(guildId: string): Promise<CachedConfig> {
    const ticket = this.cache.ticket();
    const { config: defaults, version: defaultsVersion } = this.defaults;
    const resolved = await this.overrides.resolve(guildId, defaults);
    return this.cache.set(
      guildId,
      {
        config: deepMerge(defaults as unknown as JsonObject, resolved.override) as unknown as GuildConfig,
        override: resolved.override,
        overrideVersion: resolved.storedVersion,
        defaultsVersion,
      },
      ticket,
      resolved.unavailable ? UNAVAILABLE_TTL_MS : undefined,
    );
  }

  /** Caches a configuration this replica just wrote. */
  async written(guildId: string, override: JsonObject, version: string | null): Promise<void> {
    await this.cache.invalidate(guildId, version);
    const { config: defaults, version: defaultsVersion } = this.defaults;
    const config = deepMerge(defaults as unknown as JsonObject, override) as unknown as GuildConfig;
    await this.cache.set(
      guildId,
      { config, override, overrideVersion: version, defaultsVersion },
      this.cache.ticket(),
    );
  }

  /** Another replica wrote a guild: drop our copy; the next lookup reads the store. */
  async remoteChange(guildId: string, version: string | null, keys: string[]): Promise<void> {
    if (guildId === '*') return this.cache.clearLocal();
    await this.cache.invalidate(guildId, version);
    this.emit({ guildId, source: 'remote', keys });
  }

  /** A file changed on disk: re-read it now; log and announce only when the effective input really changed. */
  async externalChange(guildId: string): Promise<void> {
    if (guildId === '*') return this.cache.clearLocal();
    const before = this.cache.peek(guildId)?.overrideVersion;
    await this.cache.invalidate(guildId);
    try {
      const after = await this.load(guildId);
      if (after.overrideVersion === before) return; // our own write, seen by the watcher
      this.changes.inc({ source: 'reload' });
      this.logger.log(
        { event: 'config.reloaded', guildId, version: after.overrideVersion },
        'Guild configuration reloaded from disk',
      );
      this.emit({ guildId, source: 'reload' });
    } catch (e) {
      this.logger.error({ err: (e as Error).message, guildId }, 'Reloading a guild configuration failed');
    }
  }

  /** New defaults: every cached config is outdated (entries carry the defaults version, this frees memory). */
  defaultsChanged(): void {
    this.cache.clearLocal();
  }

  private emit(event: ConfigChangedEvent): void {
    try {
      this.events?.emit(CONFIG_EVENTS.changed, event);
    } catch (e) {
      this.logger.error(
        { err: (e as Error).message, guildId: event.guildId },
        'A config.changed listener failed',
      );
    }
  }
}
