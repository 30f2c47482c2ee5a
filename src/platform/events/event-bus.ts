import { DomainEvent, EventDelivery, NewDomainEvent } from './domain-event';

/**
 * EventEmitter2 event name emitted on the publishing replica only, with the stamped DomainEvent, after it is
 * appended to the log: origin-only work (outgoing webhook enqueue, once per event cluster-wide) listens to it.
 */
export const EVENT_BUS_LOCAL_PUBLISHED = 'event-bus.local-published';

/**
 * EventEmitter2 event name emitted when this replica's bus may have missed events (the Redis tail reconnected
 * after an outage, so events published meanwhile were never written): caches fed by the bus should drop
 * everything.
 */
export const EVENT_BUS_RESYNC = 'event-bus.resync';

/** Events kept per guild for replay (the SSE `Last-Event-ID`). Older ones are trimmed. */
export const EVENT_LOG_CAP = 1_000;

/** The cluster event bus (abstract class = Nest injection token). */
export abstract class EventBus {
  /**
   * Stamps id/occurredAt/cursor, appends to the guild's bounded replay log, delivers to every replica (incl. this
   * one). Never rejects: the domain change is already stored, so a bus outage is logged (one line per outage)
   * and the event is returned unstamped by a cursor.
   */
  abstract publish<T>(event: Omit<DomainEvent<T>, 'id' | 'occurredAt'>): Promise<DomainEvent<T>>;

  /** Every event from every replica, once per replica. Returns an unsubscribe function. */
  abstract subscribe(listener: (event: DomainEvent, delivery: EventDelivery) => void): () => void;

  /**
   * Events of one guild strictly after `afterCursor` (the SSE Last-Event-ID), oldest first, at most `limit`.
   * Throws InvalidCursorError (400) for a cursor this bus could never have issued.
   */
  abstract replay(guildId: string, afterCursor: string, limit: number): Promise<DomainEvent[]>;

  /** Is `cursor` shaped like one this bus issues? (Checked before a stream starts.) */
  abstract isCursor(cursor: string): boolean;

  /** Resolves once events published anywhere from now on reach this replica's listeners. */
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
}

export type { NewDomainEvent };
