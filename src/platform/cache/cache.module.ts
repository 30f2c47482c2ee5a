import { CacheModule } from '@nestjs/cache-manager';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { Settings } from '../settings';
import { RedisConnections } from './redis-connections';

/** The Redis outage log the cache store's errors count into, once the app's connections exist. */
export interface OutageLink {
  log?: { absorb(): boolean };
}

/** How long a cache store error waits for the shared connections to declare a Redis outage. */
const OUTAGE_GRACE_MS = 1_000;

/**
 * Builds the Keyv store (keys are `kd:<module>:…`) for the settings: Redis when `REDIS_URL` is set, process memory
 * otherwise. Its client's errors count into `outage` (the app's one line per Redis outage) when one is on.
 */
export function createCacheStore(
  settings: Settings,
  logger = new Logger('cache'),
  outage: OutageLink = {},
): Keyv {
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
  const report = (err: unknown) => {
    if (outage.log?.absorb()) return;
    if (Date.now() - lastError > 10_000) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Cache store error');
    }
    lastError = Date.now();
  };
  keyv.on('error', (err: unknown) => {
    if (!outage.log || outage.log.absorb()) return report(err);
    // The shared connections may report the same lost Redis a moment later: then this error is counted there.
    setTimeout(() => report(err), OUTAGE_GRACE_MS).unref();
  });
  return keyv;
}

const CACHE_OUTAGE_LINK = Symbol('CACHE_OUTAGE_LINK');

/**
 * Global cache (`@nestjs/cache-manager` → inject `CACHE_MANAGER`) plus raw Redis connections for pub/sub,
 * queues and rate limits.
 */
@Global()
@Module({})
export class AppCacheModule {
  static forRoot(settings: Settings): DynamicModule {
    const outage: OutageLink = {};
    return {
      module: AppCacheModule,
      imports: [
        CacheModule.register({ isGlobal: true, stores: [createCacheStore(settings, undefined, outage)] }),
      ],
      providers: [
        RedisConnections,
        {
          provide: CACHE_OUTAGE_LINK,
          inject: [RedisConnections],
          useFactory: (connections: RedisConnections) => Object.assign(outage, { log: connections.outage }),
        },
      ],
      exports: [RedisConnections],
    };
  }
}
