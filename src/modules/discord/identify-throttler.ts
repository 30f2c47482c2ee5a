import type { IIdentifyThrottler, WebSocketManager } from '@discordjs/ws';
import type Redis from 'ioredis';

/** Discord allows one IDENTIFY per `max_concurrency` bucket every 5 s, across every process of the bot. */
export const IDENTIFY_WINDOW_MS = 5_000;

/** Redis key of a bucket's lock (`kd:<module>:…`). */
export const IDENTIFY_KEY_PREFIX = 'kd:discord:identify:';

export interface RedisIdentifyThrottlerOptions {
  /** `session_start_limit.max_concurrency` from `GET /gateway/bot` (1 for most bots). */
  maxConcurrency: number;
  /** How long a bucket stays taken after an IDENTIFY (default 5 000 ms; tests shrink it). */
  windowMs?: number;
  /** Separates bots sharing one Redis (the application id). */
  scope?: string;
}

/**
 * discord.js's identify throttler, backed by Redis so that replicas pace each other: the default one only knows
 * its own process, so two pods starting together IDENTIFY at once although `max_concurrency` is 1, and Discord
 * answers the second with op 9 (each retry spends one of the 1,000 IDENTIFYs a day). A shard may identify when it
 * takes its bucket's key (`SET NX PX`), which then stays taken for the window; others wait for the key to expire.
 */
export class RedisIdentifyThrottler implements IIdentifyThrottler {
  private readonly windowMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisIdentifyThrottlerOptions,
  ) {
    this.windowMs = options.windowMs ?? IDENTIFY_WINDOW_MS;
  }

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const bucket = shardId % Math.max(1, this.options.maxConcurrency);
    const key = `${IDENTIFY_KEY_PREFIX}${this.options.scope ?? 'bot'}:${bucket}`;
    for (;;) {
      if (signal.aborted) throw new Error('identify wait aborted');
      const taken = await this.redis.set(key, String(shardId), 'PX', this.windowMs, 'NX');
      if (taken === 'OK') return;
      const ttl = await this.redis.pttl(key);
      await pause(Math.max(25, ttl), signal);
    }
  }
}

/** `buildIdentifyThrottler` for discord.js's `ws` options: reads `max_concurrency` from Discord first. */
export function redisIdentifyThrottler(
  redis: Redis,
  options: Omit<RedisIdentifyThrottlerOptions, 'maxConcurrency'> = {},
): (manager: WebSocketManager) => Promise<IIdentifyThrottler> {
  return async (manager) => {
    const info = await manager.fetchGatewayInformation();
    return new RedisIdentifyThrottler(redis, {
      ...options,
      maxConcurrency: info.session_start_limit.max_concurrency,
    });
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
