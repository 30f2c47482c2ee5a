import { Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { EVENT_BUS_RESYNC, EventBus } from '../../platform/events';
import { RedisConnections } from '../../platform/cache';

/** The cluster event type replicas announce configuration writes with. */
export const CONFIG_CHANGED_EVENT = 'config.changed';

/** What a replica announces after writing a guild's override. */
export interface ConfigChangedMessage {
  guildId: string;
  /** The override version now stored (null: removed). */
  version: string | null;
  keys: string[];
}

type Handler = (message: ConfigChangedMessage | { guildId: '*' }) => void;

/**
 * Cross-replica invalidation over the cluster event bus (`config.changed`, also what API clients see on the
 * guild's stream): every replica drops its cached copy of a guild the moment another one writes it. The writer
 * ignores its own announcement. When the bus may have missed events (Redis came back after an outage) handlers
 * get `{ guildId: '*' }`. Without Redis the bus is in-process and there is no other replica to tell.
 */
@Injectable()
export class ConfigInvalidationBus implements OnModuleDestroy {
  private unsubscribe?: () => void;
  private handler?: Handler;
  private readonly onResync = () => this.handler?.({ guildId: '*' });

  /** Optional: the config module booted alone (unit tests) has no bus and no other replica. */
  constructor(
    private readonly emitter: EventEmitter2,
    @Optional() private readonly bus?: EventBus,
    @Optional() private readonly redis?: RedisConnections,
  ) {}

  get enabled(): boolean {
    return !!this.redis?.enabled;
  }

  /** Starts listening (once). Resolves when this replica hears the other replicas' events; never rejects. */
  start(handler: Handler): Promise<void> {
    this.handler = handler;
    if (!this.bus) return Promise.resolve();
    this.unsubscribe ??= this.bus.subscribe((event, delivery) => {
      if (event.type !== CONFIG_CHANGED_EVENT || delivery.local) return;
      const data = event.data as { version?: unknown; keys?: unknown };
      this.handler?.({
        guildId: event.guildId,
        version: typeof data.version === 'string' ? data.version : null,
        keys: Array.isArray(data.keys) ? data.keys.filter((k): k is string => typeof k === 'string') : [],
      });
    });
    this.emitter.on(EVENT_BUS_RESYNC, this.onResync);
    return this.bus.whenReady();
  }

  /** Resolves once subscribed (immediately without Redis). */
  whenSubscribed(): Promise<void> {
    return this.bus?.whenReady() ?? Promise.resolve();
  }

  /** Announces a write. Never rejects (the bus logs an outage): the cache TTL still bounds staleness. */
  async publish(message: ConfigChangedMessage): Promise<void> {
    await this.bus?.publish({
      type: CONFIG_CHANGED_EVENT,
      version: 1,
      guildId: message.guildId,
      audience: 'admin',
      data: { version: message.version, keys: message.keys },
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.emitter.off(EVENT_BUS_RESYNC, this.onResync);
    this.handler = undefined;
  }
}
