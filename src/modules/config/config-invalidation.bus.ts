import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnections } from '../../platform/cache';

/** Redis channel on which replicas announce configuration writes. */
export const CONFIG_CHANGED_CHANNEL = 'kd:config:changed';

/** What a replica announces after writing a guild's override. */
export interface ConfigChangedMessage {
  guildId: string;
  /** The override version now stored (null: removed). */
  version: string | null;
  keys: string[];
  /** Instance id of the writer, so it ignores its own announcements. */
  origin: string;
}

type Handler = (message: ConfigChangedMessage | { guildId: '*' }) => void;

/**
 * Cross-replica invalidation over Redis pub/sub: every replica drops its cached copy of a guild the moment
 * another one writes it. After a reconnect (messages may have been missed) handlers get `{ guildId: '*' }`.
 * Without Redis this is a no-op: a single replica needs nothing more.
 */
@Injectable()
export class ConfigInvalidationBus implements OnModuleDestroy {
  private readonly logger = new Logger('config');
  readonly instanceId = randomUUID();
  private subscriber?: Redis;
  private subscribed?: Promise<void>;
  private handler?: Handler;

  constructor(@Optional() private readonly redis?: RedisConnections) {}

  get enabled(): boolean {
    return !!this.redis?.enabled;
  }

  /** Starts listening (once). Resolves when subscribed; never rejects (a Redis outage is logged). */
  start(handler: Handler): Promise<void> {
    const redis = this.redis;
    if (!redis?.enabled) return Promise.resolve();
    this.handler = handler;
    this.subscribed ??= new Promise<void>((resolve) => {
      const sub = (this.subscriber = redis.create('config-sub'));
      let connectedOnce = false;
      sub.on('ready', () => {
        if (connectedOnce) this.handler?.({ guildId: '*' });
        connectedOnce = true;
      });
      sub.on('message', (channel: string, raw: string) => this.onMessage(channel, raw));
      sub.subscribe(CONFIG_CHANGED_CHANNEL).then(
        () => resolve(),
        (err: Error) => {
          this.logger.error({ err: err.message }, 'Config invalidation: subscribing failed');
          resolve();
        },
      );
    });
    return this.subscribed;
  }

  /** Resolves once subscribed (immediately without Redis or before `start`). */
  whenSubscribed(): Promise<void> {
    return this.subscribed ?? Promise.resolve();
  }

  /** Announces a write to the other replicas. Failures are logged: the TTL still bounds staleness. */
  async publish(message: Omit<ConfigChangedMessage, 'origin'>): Promise<void> {
    if (!this.redis?.enabled) return;
    try {
      await this.redis.client.publish(
        CONFIG_CHANGED_CHANNEL,
        JSON.stringify({ ...message, origin: this.instanceId }),
      );
    } catch (e) {
      this.logger.error(
        { err: (e as Error).message, guildId: message.guildId },
        'Config invalidation: publish failed',
      );
    }
  }

  private onMessage(channel: string, raw: string): void {
    if (channel !== CONFIG_CHANGED_CHANNEL) return;
    let message: ConfigChangedMessage;
    try {
      message = JSON.parse(raw) as ConfigChangedMessage;
    } catch {
      return;
    }
    if (typeof message.guildId !== 'string' || message.origin === this.instanceId) return;
    this.handler?.(message);
  }

  onModuleDestroy(): void {
    this.handler = undefined;
  }
}
