import { CacheModule } from '@nestjs/cache-manager';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { Settings } from '../settings';
import { RedisConnections } from './redis-connections';

/** Builds the Keyv store (keys are `kd:<module>:…`) for the settings: Redis when `REDIS_URL` is set, process memory otherwise. */
export function createCacheStore(settings: Settings, logger = new Logger('cache')): Keyv {
  // No Keyv namespace: keys are written whole as `kd:<module>:…` by their owners (Keyv's namespacing also
  // disagrees between set and getMany for keys that start with the prefix).
  const keyv = settings.redis.url
    ? new Keyv({
        store: new KeyvRedis(settings.redis.url, { throwOnConnectError: false, connectionTimeout: 5_000 }),
        namespace: undefined,
        useKeyPrefix: false,
      })
    : new Keyv();
  let lastError = 0;
  // An unreachable Redis makes get() resolve undefined and only emits 'error': surface it.
  keyv.on('error', (err: unknown) => {
    if (Date.now() - lastError > 10_000) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Cache store error');
    }
    lastError = Date.now();
  });
  return keyv;
}

/**
 * Global cache (`@nestjs/cache-manager` → inject `CACHE_MANAGER`) plus raw Redis connections for pub/sub,
 * queues and rate limits.
 */
@Global()
@Module({})
export class AppCacheModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppCacheModule,
      imports: [CacheModule.register({ isGlobal: true, stores: [createCacheStore(settings)] })],
      providers: [RedisConnections],
      exports: [RedisConnections],
    };
  }
}
