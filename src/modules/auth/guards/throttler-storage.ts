import { Logger } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { RedisConnections } from '../../../platform/cache';

type StorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Redis key prefix of the rate-limit counters (the storage adds `{<hash>:<limit>}:hits|blocked`). */
export const RATE_LIMIT_KEY_PREFIX = 'kd:auth:rl:';

/**
 * Lets requests through when the counter store fails (Redis down), logging at most one error per 10 s: a
 * rate limiter must not turn a cache outage into a full API outage. Authentication still applies to every
 * request, so what fails open is only the request budget.
 */
export class FailOpenThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('ratelimit');
  private lastError = 0;

  /** @param available when it returns false the store is not asked at all (no waiting on a dead Redis). */
  constructor(
    readonly inner: ThrottlerStorage,
    private readonly available: () => boolean = () => true,
  ) {}

  /** False while the store cannot be asked (Redis connecting or down): requests then pass unlimited. */
  get connected(): boolean {
    return this.available();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<StorageRecord> {
    try {
      if (!this.connected) throw new Error('rate-limit store is not connected');
      return await this.inner.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (err) {
      if (Date.now() - this.lastError > 10_000) {
        this.logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'Rate-limit store failed; not limiting',
        );
      }
      this.lastError = Date.now();
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  onApplicationShutdown(): void {
    (this.inner as Partial<{ onApplicationShutdown(): void }>).onApplicationShutdown?.();
  }
}

/**
 * Counters in Redis when `REDIS_URL` is set (limits hold across replicas), in process memory otherwise. The
 * Redis connection belongs to `RedisConnections`, which closes it at shutdown.
 */
export function createThrottlerStorage(redis: RedisConnections): FailOpenThrottlerStorage {
  if (!redis.enabled) return new FailOpenThrottlerStorage(new ThrottlerStorageService());
  const client = redis.create('ratelimit', { keyPrefix: RATE_LIMIT_KEY_PREFIX, maxRetriesPerRequest: 1 });
  // While the connection is down, commands would queue for seconds: skip the limiter instead of stalling.
  return new FailOpenThrottlerStorage(
    new ThrottlerStorageRedisService(client),
    () => client.status === 'ready',
  );
}
