import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent, EventDelivery } from './domain-event';
import { EVENT_BUS_LOCAL_PUBLISHED, EVENT_LOG_CAP, EventBus } from './event-bus';
import { InvalidCursorError } from './events.errors';
import { Listeners } from './listeners';
import { uuidv7 } from './uuid7';

/**
 * The bus without Redis: one replica, so delivering is calling the local listeners; the replay log is a capped
 * array per guild in memory (lost on restart, as everything else without Redis). Cursors are a process-wide
 * counter that only grows.
 */
@Injectable()
export class InProcessEventBus extends EventBus {
  private readonly logger = new Logger('events');
  private readonly listeners = new Listeners(this.logger);
  private readonly logs = new Map<string, DomainEvent[]>();
  /** Starts at the boot time in microseconds, so a client's cursor from before a restart is not re-used. */
  private seq: number;

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly cap: number = EVENT_LOG_CAP,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.seq = now() * 1000;
  }

  publish<T>(event: Omit<DomainEvent<T>, 'id' | 'occurredAt'>): Promise<DomainEvent<T>> {
    const at = this.now();
    const stamped = {
      ...event,
      id: uuidv7(at),
      occurredAt: new Date(at).toISOString(),
      cursor: String(++this.seq),
    } as DomainEvent<T>;
    const log = this.logs.get(event.guildId) ?? [];
    log.push(stamped as DomainEvent);
    if (log.length > this.cap) log.splice(0, log.length - this.cap);
    this.logs.set(event.guildId, log);
    this.emitter.emit(EVENT_BUS_LOCAL_PUBLISHED, stamped);
    this.listeners.deliver(stamped as DomainEvent, { local: true });
    return Promise.resolve(stamped);
  }

  subscribe(listener: (event: DomainEvent, delivery: EventDelivery) => void): () => void {
    return this.listeners.add(listener);
  }

  replay(guildId: string, afterCursor: string, limit: number): Promise<DomainEvent[]> {
    if (!this.isCursor(afterCursor)) return Promise.reject(new InvalidCursorError());
    const after = Number(afterCursor);
    const log = this.logs.get(guildId) ?? [];
    return Promise.resolve(log.filter((e) => Number(e.cursor) > after).slice(0, Math.max(0, limit)));
  }

  isCursor(cursor: string): boolean {
    return /^\d{1,16}$/.test(cursor);
  }
}
