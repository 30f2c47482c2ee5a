import { DomainEvent, EventAudience, compareCursors, visibleTo } from '../../../platform/events';

/** The part of an HTTP response a stream writes to (express's Response is one). */
export interface StreamSink {
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  destroy(): unknown;
  readonly writableLength: number;
}

export interface EventStreamLimits {
  /** A comment line this often keeps proxies and the client from timing the stream out. */
  heartbeatMs: number;
  /** Bytes waiting for a client beyond which it is dropped as too slow. */
  maxBufferedBytes: number;
}

/** Why the service ended a stream (sent as the last `event: end` before closing). */
export type EndReason = 'slow_consumer' | 'token_expired' | 'shutting_down';

/** How long a dropped client gets to take its last bytes before the socket is cut. */
const DROP_GRACE_MS = 5_000;

/** The SSE wire form of an event: `id` is the replay cursor, `data` the envelope (without the cursor). */
export function formatEvent(event: DomainEvent): string {
  const { cursor, ...envelope } = event;
  return `${cursor ? `id: ${cursor}\n` : ''}event: ${event.type}\ndata: ${JSON.stringify(envelope)}\n\n`;
}

/**
 * One SSE connection. Until `start` it only collects live events (the replay is being read); `start` writes the
 * replayed events, then the collected ones not already replayed, then streams. Bounded: when more than
 * `maxBufferedBytes` wait in the socket's buffer (the client reads too slowly), the client is told why and
 * dropped, never buffered without bound. The stream ends when the access token expires.
 */
export class EventStreamClient {
  private pending: DomainEvent[] | null = [];
  private heartbeat?: NodeJS.Timeout;
  private expiry?: NodeJS.Timeout;
  private closed = false;
  /** The cursor of the last event written: the bus may deliver, after the replay, an event it already carried. */
  private after?: string;

  constructor(
    readonly guildId: string,
    private readonly sink: StreamSink,
    private readonly audience: EventAudience,
    private readonly expiresAt: Date,
    private readonly limits: EventStreamLimits,
    private readonly onClose: (client: EventStreamClient, reason?: EndReason) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get open(): boolean {
    return !this.closed;
  }

  /**
   * Writes the replay and what arrived meanwhile, then streams live; arms the heartbeat and the expiry.
   * `lastEventId`: the client's `Last-Event-ID`, below which nothing is written again.
   */
  start(replayed: DomainEvent[], lastEventId?: string): void {
    if (this.closed) return;
    const waiting = this.pending ?? [];
    this.pending = null;
    this.after = lastEventId;
    this.sink.write('retry: 3000\n\n');
    for (const event of [...replayed, ...waiting]) this.deliver(event);
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.limits.heartbeatMs);
    this.heartbeat.unref();
    this.armExpiry();
  }

  /** A live event from the bus (already of this guild); `wire`: its formatted form, shared by all clients. */
  deliver(event: DomainEvent, wire?: string): void {
    if (this.closed || !visibleTo(event, this.audience)) return;
    if (this.pending) return void this.pending.push(event);
    if (!this.isNew(event)) return;
    this.write(wire ?? formatEvent(event));
  }

  /**
   * False for an event at or before the last one written (a replayed event the bus delivers again, with Redis when
   * this replica's tail of the fan-out stream lags the guild log). Cursors of one guild's log grow; an event
   * without one was published during a Redis outage and never logged, so it cannot have been replayed.
   */
  private isNew(event: DomainEvent): boolean {
    if (event.cursor === undefined) return true;
    if (this.after !== undefined) {
      const order = compareCursors(event.cursor, this.after);
      if (order !== null && order <= 0) return false;
    }
    this.after = event.cursor;
    return true;
  }

  /** Ends the stream, telling the client why. */
  end(reason: EndReason): void {
    if (this.closed) return;
    this.sink.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.release(reason);
    // A client that stopped reading would hold its buffer for ever: cut it once it had its chance.
    if (reason === 'slow_consumer') setTimeout(() => this.sink.destroy(), DROP_GRACE_MS).unref();
  }

  /** The connection closed (client went away). */
  closedByPeer(): void {
    if (!this.closed) this.release();
  }

  private armExpiry(): void {
    const left = this.expiresAt.getTime() - this.now();
    if (left <= 0) return this.end('token_expired');
    // setTimeout takes at most 2^31-1 ms (about 24.8 days): a longer wait is re-armed on the way.
    this.expiry = setTimeout(() => this.armExpiry(), Math.min(left, 2 ** 31 - 1));
    this.expiry.unref();
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (this.sink.writableLength > this.limits.maxBufferedBytes) return this.end('slow_consumer');
    this.sink.write(chunk);
  }

  private release(reason?: EndReason): void {
    this.closed = true;
    this.pending = null;
    clearInterval(this.heartbeat);
    clearTimeout(this.expiry);
    this.onClose(this, reason);
  }
}
