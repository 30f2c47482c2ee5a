import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { HealthRegistry } from '../../platform/health';
import { ConfigDefaults } from './config-defaults';
import { ConfigInvalidationBus } from './config-invalidation.bus';
import { CONFIG_OPTIONS, ConfigModuleOptions } from './config.options';
import { ConfigOverrides } from './config-overrides';
import { ConfigReader } from './config-reader';
import { ConfigStore } from './config-store.port';

/** Guild ids readiness lists at most (the count is always complete). */
const READINESS_LIST_LIMIT = 20;
const SUBSCRIBE_WAIT_MS = 2_000;

/**
 * Keeps every replica's view current: file watcher (hot reload), defaults watcher, Redis pub/sub from other
 * replicas. Registers the `config` readiness check and, on file storage, checks every stored override at
 * start-up so a bad file is reported before anyone asks for that guild.
 */
@Injectable()
export class ConfigSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('config');
  private unwatch?: () => void;
  private scan?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: ConfigStore,
    private readonly defaults: ConfigDefaults,
    private readonly overrides: ConfigOverrides,
    private readonly reader: ConfigReader,
    private readonly bus: ConfigInvalidationBus,
    @Inject(CONFIG_OPTIONS) private readonly options: ConfigModuleOptions,
    @Optional() private readonly health?: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.health?.register({ name: 'config', check: async () => this.readiness() });
    this.unwatch = this.store.watch((guildId) => void this.reader.externalChange(guildId));
    this.defaults.watch(() => this.reader.defaultsChanged(), this.options.reloadDebounceMs);
    const subscribed = this.bus.start((m) => {
      if (m.guildId === '*') return void this.reader.remoteChange('*', null, []);
      const message = m as { guildId: string; version: string | null; keys?: string[] };
      void this.reader.remoteChange(message.guildId, message.version ?? null, message.keys ?? []);
    });
    // Usually subscribed in milliseconds; an unreachable Redis must not hold up start-up (readiness shows it).
    await Promise.race([subscribed, new Promise((r) => setTimeout(r, SUBSCRIBE_WAIT_MS).unref())]);
    if (this.store.kind === 'file') this.scan = this.checkStoredOverrides();
  }

  /** Reads every stored override once (in the background) so bad files show up in readiness and logs. */
  private async checkStoredOverrides(): Promise<void> {
    try {
      const ids = await this.store.list();
      for (const id of ids) {
        if (this.stopped) return;
        // Validation only (problems and last good copies): caching every guild at start-up would cost memory.
        await this.overrides.resolve(id, this.defaults.config).catch(() => undefined);
      }
      const invalid = this.overrides.problemCount();
      this.logger.log(
        { overrides: ids.length, invalid },
        `Checked ${ids.length} guild overrides, ${invalid} invalid`,
      );
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Could not list stored guild overrides');
    }
  }

  /** Stays up with a bad override (that guild runs on a fallback) but says which guilds are affected. */
  private async readiness(): Promise<Record<string, unknown>> {
    const problems = this.overrides.allProblems();
    return {
      store: this.store.kind,
      invalidation: this.bus.enabled ? 'redis' : 'local',
      invalidOverrides: problems.length,
      ...(problems.length
        ? { invalidGuilds: problems.slice(0, READINESS_LIST_LIMIT).map((p) => `${p.guildId}: ${p.message}`) }
        : {}),
      defaults: this.defaults.problem ? `last good kept: ${this.defaults.problem.message}` : 'ok',
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    await this.scan;
    await this.store.close();
  }
}
