import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { Settings } from '../settings';
import { OutageLog } from './outage-log';

/**
 * Hands out ioredis connections to `REDIS_URL` (commands, pub/sub subscribers, queues each need their own) and
 * closes them all on shutdown. Every connection reports to one `OutageLog`: a Redis outage is one error line, a
 * reminder a minute, and one line when it is over; never silent, never a flood.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('redis');
  /** Shared with clients built on these connections (BullMQ), so their errors count into the same outage. */
  readonly outage = new OutageLog('Redis', this.logger);
  private readonly clients = new Set<Redis>();
  private shared?: Redis;

  constructor(private readonly settings: Settings) {}

  get enabled(): boolean {
    return !!this.settings.redis.url;
  }

  /** A new connection; `name` shows in logs and `CLIENT LIST`. Throws when Redis is not configured. */
  create(name: string, options: RedisOptions = {}): Redis {
    if (!this.settings.redis.url) throw new Error('Redis is not configured (REDIS_URL is unset)');
    const client = new Redis(this.settings.redis.url, {
      connectionName: `kd:${name}`,
      connectTimeout: 5_000,
      maxRetriesPerRequest: 3,
      retryStrategy: (times) => Math.min(times * 200, 5_000),
      ...options,
    });
    client.on('error', (err: Error) => this.outage.failure(name, err.message));
    client.on('ready', () => this.outage.recovered(name));
    this.clients.add(client);
    client.once('end', () => this.clients.delete(client));
    return client;
  }

  /** One shared connection for plain commands. */
  get client(): Redis {
    this.shared ??= this.create('shared');
    return this.shared;
  }

  /** PING with a deadline; used by readiness. */
  async ping(timeoutMs = 1_000): Promise<void> {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    await Promise.race([this.client.ping(), timeout]);
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT on a connection that never came up would wait for it: cut those instead.
    await Promise.all(
      [...this.clients].map((c) =>
        c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect(),
      ),
    );
    this.clients.clear();
  }
}
