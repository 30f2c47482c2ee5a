import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type Redis from 'ioredis';
import { RedisConnections } from '../cache';
import { UnavailableError } from '../errors';
import { DomainEvent, EventDelivery } from './domain-event';
import { EVENT_BUS_LOCAL_PUBLISHED, EVENT_BUS_RESYNC, EVENT_LOG_CAP, EventBus } from './event-bus';
import { InvalidCursorError } from './events.errors';
import { Listeners } from './listeners';
import { uuidv7 } from './uuid7';

/** The shared stream every replica tails. */
export const FANOUT_STREAM = 'kd:events:all';
/** Fan-out entries kept: how far a replica may fall behind (a long pause) and still catch up. */
export const FANOUT_CAP = 10_000;
/** The guild's replay log. */
export const guildStream = (guildId: string) => `kd:events:guild:${guildId}`;

const TAIL_BLOCK_MS = 2_000;
const TAIL_BATCH = 500;
const RETRY_MS = 1_000;

/**
 * Appends to the guild's capped log and to the fan-out stream in one step, so the fan-out order is the log
 * order and no event is in one without the other. Returns the guild log id (the cursor).
 */
const APPEND = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3], 'c', id, 'o', ARGV[4])
return id`;

type StreamEntry = [id: string, fields: string[]];

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length - 1; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * The bus with Redis. Each guild has a capped stream (`kd:events:guild:<id>`, XADD MAXLEN ~) as its replay log;
 * cross-replica delivery is one shared capped stream (`kd:events:all`) that every replica tails with XREAD BLOCK
 * on its own connection. Unlike pub/sub, a replica whose connection drops resumes from the last entry it read.
 * Publishing never rejects: a Redis outage counts into the app's one-line-per-outage log.
 */
@Injectable()
export class RedisEventBus extends EventBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('events');
  private readonly listeners = new Listeners(this.logger);
  /** Tells this replica's own fan-out entries from the others'. */
  readonly replicaId = randomUUID();
  private tailConn?: Redis;
  private stopped = false;
  private lastId = '$';
  private readyPromise?: Promise<void>;
  private lastPublishError = 0;

  constructor(
    private readonly redis: RedisConnections,
    private readonly emitter: EventEmitter2,
    private readonly cap: number = EVENT_LOG_CAP,
  ) {
    super();
  }

  onModuleInit(): void {
    this.tailConn = this.redis.create('events-tail');
    this.readyPromise = new Promise<void>((resolve) => void this.tail(resolve));
  }

  /** Resolves once this replica tails the fan-out stream (events published after it are delivered here). */
  override whenReady(): Promise<void> {
    return this.readyPromise ?? Promise.resolve();
  }

  async publish<T>(event: Omit<DomainEvent<T>, 'id' | 'occurredAt'>): Promise<DomainEvent<T>> {
    const at = Date.now();
    const stamped = { ...event, id: uuidv7(at), occurredAt: new Date(at).toISOString() } as DomainEvent<T>;
    try {
      const cursor = (await this.redis.client.eval(
        APPEND,
        2,
        guildStream(event.guildId),
        FANOUT_STREAM,
        String(this.cap),
        String(FANOUT_CAP),
        JSON.stringify(stamped),
        this.replicaId,
      )) as string;
      stamped.cursor = cursor;
    } catch (e) {
      // The domain change is stored: the event is lost for other replicas and replay, not for this one.
      this.publishFailed(e as Error, stamped.type);
      this.listeners.deliver(stamped as DomainEvent, { local: true });
    }
    this.emitter.emit(EVENT_BUS_LOCAL_PUBLISHED, stamped);
    return stamped;
  }

  subscribe(listener: (event: DomainEvent, delivery: EventDelivery) => void): () => void {
    return this.listeners.add(listener);
  }

  async replay(guildId: string, afterCursor: string, limit: number): Promise<DomainEvent[]> {
    if (!this.isCursor(afterCursor)) throw new InvalidCursorError();
    let entries: StreamEntry[];
    try {
      entries = (await this.redis.client.xrange(
        guildStream(guildId),
        `(${afterCursor}`,
        '+',
        'COUNT',
        Math.max(1, limit),
      )) as StreamEntry[];
    } catch {
      throw new UnavailableError('EVENTS_UNAVAILABLE', 'The event log cannot be read right now.');
    }
    return entries.slice(0, Math.max(0, limit)).flatMap(([id, fields]) => {
      const event = this.parse(field(fields, 'e'));
      return event ? [{ ...event, cursor: id }] : [];
    });
  }

  isCursor(cursor: string): boolean {
    return /^\d{1,20}-\d{1,20}$/.test(cursor);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.listeners.clear();
    // A blocked XREAD would hold QUIT for up to TAIL_BLOCK_MS: cut the connection instead.
    this.tailConn?.disconnect();
  }

  private async tail(ready: () => void): Promise<void> {
    const conn = this.tailConn!;
    let failed = false;
    while (!this.stopped) {
      try {
        if (this.lastId === '$') {
          // Resolve '$' to a concrete id once, so nothing written between two XREADs is skipped.
          const last = (await conn.xrevrange(FANOUT_STREAM, '+', '-', 'COUNT', 1)) as StreamEntry[];
          this.lastId = last[0]?.[0] ?? '0-0';
          ready();
        }
        const res = (await conn.xread(
          'COUNT',
          TAIL_BATCH,
          'BLOCK',
          TAIL_BLOCK_MS,
          'STREAMS',
          FANOUT_STREAM,
          this.lastId,
        )) as [string, StreamEntry[]][] | null;
        if (failed) {
          failed = false;
          // Publishes that failed during the outage were never written: whoever caches from the bus resyncs.
          this.emitter.emit(EVENT_BUS_RESYNC);
        }
        for (const [id, fields] of res?.[0]?.[1] ?? []) {
          this.lastId = id;
          const event = this.parse(field(fields, 'e'));
          if (!event) continue;
          event.cursor = field(fields, 'c');
          this.listeners.deliver(event, { local: field(fields, 'o') === this.replicaId });
        }
      } catch {
        if (this.stopped) break;
        // The connection's own 'error' events feed the outage log; here we only wait and resume.
        failed = true;
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
    ready();
  }

  private publishFailed(err: Error, type: string): void {
    if (this.redis.outage.absorb()) return;
    if (Date.now() - this.lastPublishError < 10_000) return;
    this.lastPublishError = Date.now();
    this.logger.error({ err: err.message, type }, 'Event bus: publish failed');
  }

  private parse(raw: string | undefined): DomainEvent | undefined {
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as DomainEvent;
    } catch {
      return undefined;
    }
  }
}
