import { Logger } from '@nestjs/common';
import { DomainEvent, EventDelivery } from './domain-event';

type Listener = (event: DomainEvent, delivery: EventDelivery) => void;

/** The bus's local subscribers. One throwing listener neither stops the others nor the bus. */
export class Listeners {
  private readonly set = new Set<Listener>();

  constructor(private readonly logger: Logger) {}

  add(listener: Listener): () => void {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  }

  get size(): number {
    return this.set.size;
  }

  deliver(event: DomainEvent, delivery: EventDelivery): void {
    for (const listener of this.set) {
      try {
        listener(event, delivery);
      } catch (e) {
        this.logger.error({ err: (e as Error).message, type: event.type }, 'Event listener failed');
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
