import { join } from 'node:path';
import { MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap } from '@nestjs/common';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { type Cache, createCache } from 'cache-manager';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../platform/persistence';
import { Settings } from '../../platform/settings';
import { ChannelsModule } from '../channels';
import { ConfigApiGuard } from './config-api.guard';
import { ConfigCache } from './config-cache';
import { ConfigDefaults } from './config-defaults';
import { ConfigInvalidationBus } from './config-invalidation.bus';
import { ConfigProblemSource, configMetricProviders } from './config.metrics';
import { CONFIG_OPTIONS, ConfigModuleOptions, DEFAULT_CONFIG_OPTIONS } from './config.options';
import { ConfigOverrides } from './config-overrides';
import { ConfigReader } from './config-reader';
import { ConfigAuditLog, ConfigStore } from './config-store.port';
import { ConfigSync } from './config-sync';
import { ConfigWriter } from './config-writer';
import { GuildConfigController } from './config.controller';
import { GuildConfigService } from './guild-config.service';
import { MergePatchBodyMiddleware } from './merge-patch-body.middleware';
import { FileConfigStore } from './persistence/file-config.store';
import { MemoryConfigAuditLog } from './persistence/memory-config.store';
import { MongoConfigAuditLog, MongoConfigStore } from './persistence/mongo-config.store';

/** Overrides in MongoDB when the service stores in MongoDB; otherwise files under `CONFIG_DIR/overrides`. */
export function createConfigStore(
  settings: Settings,
  connection: Connection | null | undefined,
  options: ConfigModuleOptions,
): ConfigStore {
  if (settings.storage.kind === 'mongo' && connection) return new MongoConfigStore(connection);
  return new FileConfigStore(join(settings.config.dir, 'overrides'), {
    debounceMs: options.reloadDebounceMs,
  });
}

/**
 * Per-guild configuration: `GuildConfigService`, the `/api/v1/guilds/:guildId/config` routes, hot reload,
 * cross-replica invalidation, audit, readiness (`config`) and metrics. Platform pieces (cache, MongoDB,
 * Redis, health, events) are used when the application provides them, so the module also runs in small test
 * graphs that only provide `Settings`.
 */
@Module({
  imports: [ChannelsModule],
  controllers: [GuildConfigController],
  providers: [
    { provide: CONFIG_OPTIONS, useValue: DEFAULT_CONFIG_OPTIONS },
    ConfigDefaults,
    {
      provide: ConfigStore,
      inject: [Settings, { token: MONGO_CONNECTION, optional: true }, CONFIG_OPTIONS],
      useFactory: createConfigStore,
    },
    {
      provide: ConfigAuditLog,
      inject: [{ token: MONGO_CONNECTION, optional: true }],
      useFactory: (connection?: Connection | null) =>
        connection ? new MongoConfigAuditLog(connection) : new MemoryConfigAuditLog(),
    },
    {
      provide: ConfigCache,
      inject: [{ token: CACHE_MANAGER, optional: true }, CONFIG_OPTIONS],
      useFactory: (cache: Cache | undefined, options: ConfigModuleOptions) =>
        new ConfigCache(cache ?? createCache(), options.cacheTtlMs),
    },
    ConfigOverrides,
    { provide: ConfigProblemSource, useExisting: ConfigOverrides },
    ...configMetricProviders(),
    ConfigInvalidationBus,
    ConfigReader,
    ConfigWriter,
    GuildConfigService,
    ConfigSync,
    ConfigApiGuard,
  ],
  exports: [GuildConfigService],
})
export class GuildConfigModule implements NestModule, OnApplicationBootstrap {
  constructor(private readonly guard: ConfigApiGuard) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MergePatchBodyMiddleware).forRoutes(GuildConfigController);
  }

  onApplicationBootstrap(): void {
    this.guard.reportAtStartup(GuildConfigController);
  }
}
