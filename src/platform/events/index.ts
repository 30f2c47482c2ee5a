// PROVISIONAL stub of the bus contract; replaced by g22a's files on merge.
import { Global, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from './domain-event';
import { EventBus } from './event-bus';
export * from './domain-event';
export * from './event-bus';

class InProcessBus extends EventBus {
  private readonly log: DomainEvent[] = [];
  private readonly listeners = new Set<(e: DomainEvent) => void>();
  publish<T>(event: Omit<DomainEvent<T>, 'id' | 'occurredAt'>): Promise<DomainEvent<T>> {
    const stamped = { ...event, id: randomUUID(), occurredAt: new Date().toISOString() } as DomainEvent<T>;
    this.log.push(stamped as DomainEvent);
    for (const l of this.listeners) l(stamped as DomainEvent);
    return Promise.resolve(stamped);
  }
  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  replay(guildId: string, afterCursor: string, limit: number): Promise<DomainEvent[]> {
    const i = this.log.findIndex((e) => e.id === afterCursor);
    return Promise.resolve(
      this.log
        .slice(i + 1)
        .filter((e) => e.guildId === guildId)
        .slice(0, limit),
    );
  }
}

@Global()
@Module({ providers: [{ provide: EventBus, useClass: InProcessBus }], exports: [EventBus] })
export class EventsModule {}
