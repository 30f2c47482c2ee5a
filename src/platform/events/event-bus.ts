// PROVISIONAL stub of the bus contract; replaced by g22a's files on merge.
import type { DomainEvent } from './domain-event';
export abstract class EventBus {
  abstract publish<T>(event: Omit<DomainEvent<T>, 'id' | 'occurredAt'>): Promise<DomainEvent<T>>;
  abstract subscribe(listener: (event: DomainEvent) => void): () => void;
  abstract replay(guildId: string, afterCursor: string, limit: number): Promise<DomainEvent[]>;
}
