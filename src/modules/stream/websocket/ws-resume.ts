import { compareCursors, type DomainEvent } from '../../../platform/events';

export { compareCursors };

/**
 * One subscription catching up from the replay log before it joins its guild's room. The bus may deliver to this
 * replica, after the replay was read, events the replay already carried (with Redis, this replica's tail of the
 * fan-out stream can lag the guild log): until a live event comes past the last cursor sent, live events are
 * weighed here, so each is sent once and in log order.
 */
export class Resume {
  /** Live events that arrived while the replay was being read. */
  private held: DomainEvent[] | null = [];
  private after: string;

  constructor(
    readonly socketId: string,
    readonly guildId: string,
    lastEventId: string,
  ) {
    this.after = lastEventId;
  }

  /** The replay came back: what to send now (replayed, then held events it did not carry), in order. */
  replayed(events: DomainEvent[]): DomainEvent[] {
    const out = events.filter((e) => this.isNew(e));
    const held = this.held ?? [];
    this.held = null;
    for (const e of held) if (this.isNew(e)) out.push(e);
    return out;
  }

  /**
   * A live event of the guild. While the replay is read, it is held ('held'). After, an event the replay already
   * carried is dropped ('skip'); the first one past it means the bus has caught up: the caller joins the room
   * and lets the room carry it ('join').
   */
  live(event: DomainEvent): 'held' | 'skip' | 'join' {
    if (this.held) {
      this.held.push(event);
      return 'held';
    }
    return this.isNew(event) ? 'join' : 'skip';
  }

  /** True for an event past the last one sent (then it becomes the last one sent). */
  private isNew(event: DomainEvent): boolean {
    // An event without a cursor was published during a Redis outage and never logged: it cannot be in a replay.
    if (event.cursor === undefined) return true;
    const order = compareCursors(event.cursor, this.after);
    if (order !== null && order <= 0) return false;
    this.after = event.cursor;
    return true;
  }
}
