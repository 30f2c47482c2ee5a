import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DomainEvent, EventAudience, EventBus } from '../../../platform/events';
import { EndReason, EventStreamClient, EventStreamLimits, StreamSink } from './event-stream.client';

export const EVENT_STREAM_LIMITS = Symbol('EVENT_STREAM_LIMITS');

/** Defaults: a heartbeat every 15 s (under the usual 30-60 s proxy idle timeouts), 512 KiB of backlog. */
export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 512 * 1024,
};

/**
 * The SSE clients of this replica, by guild, fed by one subscription to the cluster bus: an event costs a walk
 * over its guild's clients only.
 */
@Injectable()
export class EventStreamHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('events');
  private readonly guilds = new Map<string, Set<EventStreamClient>>();
  private unsubscribe?: () => void;

  constructor(
    private readonly bus: EventBus,
    @Inject(EVENT_STREAM_LIMITS) private readonly limits: EventStreamLimits,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => this.dispatch(event));
  }

  /** Open streams on this replica. */
  get size(): number {
    let n = 0;
    for (const set of this.guilds.values()) n += set.size;
    return n;
  }

  /** Registers a client that collects live events until `start`. */
  open(guildId: string, sink: StreamSink, audience: EventAudience, expiresAt: Date): EventStreamClient {
    const client = new EventStreamClient(guildId, sink, audience, expiresAt, this.limits, (c, reason) =>
      this.closed(c, reason),
    );
    const set = this.guilds.get(guildId) ?? new Set();
    set.add(client);
    this.guilds.set(guildId, set);
    return client;
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const set of [...this.guilds.values()]) for (const c of [...set]) c.end('shutting_down');
  }

  private dispatch(event: DomainEvent): void {
    const set = this.guilds.get(event.guildId);
    if (!set) return;
    for (const client of set) client.deliver(event);
  }

  private closed(client: EventStreamClient, reason?: EndReason): void {
    const set = this.guilds.get(client.guildId);
    set?.delete(client);
    if (set?.size === 0) this.guilds.delete(client.guildId);
    if (reason === 'slow_consumer') {
      this.logger.warn({ guildId: client.guildId }, 'Event stream client dropped: too slow');
    }
  }
}
