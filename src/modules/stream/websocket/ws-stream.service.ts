import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { DomainError } from '../../../platform/errors';
import { HealthRegistry } from '../../../platform/health';
import {
  DomainEvent,
  EventAudience,
  EventBus,
  InvalidCursorError,
  visibleTo,
} from '../../../platform/events';
import { requireGuildRole } from '../../auth';
import type { MemberRole } from '../../config';
import { WS_CLOSE_REASONS, WS_EVENTS, WsCloseReason, WsStreamLimits, roomOf } from './ws-stream.constants';
import { Resume } from './ws-resume';
import { WS_METRICS } from './ws-stream.metrics';
import type { SubscribeAck, SubscribeRequest, WsNamespace, WsSocket } from './ws-handshake';

/** Admins see every event of their guild; moderators, viewers and API keys below admin the `viewer` audience. */
const audienceOf = (role: MemberRole): EventAudience => (role === 'admin' ? 'admin' : 'viewer');

const UNSUBSCRIBED = { code: 'UNSUBSCRIBED', message: 'Unsubscribed while the replay was read.' };

/**
 * The WebSocket side of the event bus. Every replica hears every event from the bus and writes it to its own
 * connections, through Socket.IO rooms (encoded once per room): no Socket.IO adapter is needed for fan-out. A
 * client resuming with `lastEventId` gets the missed events from the bus's replay log, then live ones, none
 * twice; a connection whose unsent packets pile up is cut; a token's expiry ends its connection.
 */
@Injectable()
export class WsStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('WsStream');
  private namespace?: WsNamespace;
  private unsubscribe?: () => void;
  private readonly resumes = new Set<Resume>();
  private readonly transports = new Set<WsSocket['conn']>();

  constructor(
    private readonly bus: EventBus,
    private readonly limits: WsStreamLimits,
    private readonly health: HealthRegistry,
    @InjectMetric(WS_METRICS.connections) private readonly connections: Gauge<string>,
    @InjectMetric(WS_METRICS.disconnects) private readonly disconnects: Counter<string>,
    @InjectMetric(WS_METRICS.events) private readonly sent: Counter<string>,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => this.fanOut(event));
    this.health.onDraining(() => this.drain());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Called once by the gateway when Socket.IO has created the namespace. */
  attach(namespace: WsNamespace): void {
    this.namespace = namespace;
    // Every Engine.IO connection, also those that joined no namespace (yet, or after a refused handshake): a
    // drain must close them all, or the HTTP server's close waits for them.
    namespace.server.engine.on('connection', (conn: WsSocket['conn']) => {
      this.transports.add(conn);
      conn.once('close', () => this.transports.delete(conn));
    });
  }

  /** A new authenticated connection: count it and end it when its token expires. */
  connected(socket: WsSocket): void {
    this.connections.inc();
    // Engine.IO's write buffer, counted through its public events: a packet joins it on `packetCreate`, and the
    // whole buffer goes to the transport on `flush`, which happens only while the network takes what was sent.
    socket.data.queued = 0;
    socket.conn.on('packetCreate', () => socket.data.queued++);
    socket.conn.on('flush', () => (socket.data.queued = 0));
    // setTimeout's limit is 2^31-1 ms (24.8 days); no access token lives that long.
    const ms = Math.min(socket.data.principal.expiresAt.getTime() - Date.now(), 2_147_483_647);
    socket.data.expiryTimer = setTimeout(
      () =>
        this.end(
          socket,
          WS_CLOSE_REASONS.tokenExpired,
          'The access token has expired; reconnect with a fresh one.',
        ),
      Math.max(0, ms),
    );
  }

  disconnected(socket: WsSocket): void {
    this.connections.dec();
    for (const r of this.resumes) if (r.socketId === socket.id) this.resumes.delete(r);
    clearTimeout(socket.data.expiryTimer);
  }

  /**
   * Follows `guildId` if the token covers it, first replaying what came after `lastEventId` (a cursor), then live
   * events: each once, in log order (see `Resume`).
   */
  async subscribe(socket: WsSocket, request: SubscribeRequest): Promise<SubscribeAck> {
    let role: MemberRole;
    try {
      role = requireGuildRole(socket.data.principal, request.guildId, 'viewer');
    } catch (err) {
      return refusal(err);
    }
    const { guildId, lastEventId } = request;
    // A repeated subscribe is a resume: out of the rooms first, or live events would come twice.
    this.leaveGuild(socket, guildId);
    socket.data.guilds.set(guildId, role);
    if (lastEventId === undefined) {
      this.joinRooms(socket, guildId, role);
      return { ok: true, guildId, replayed: 0 };
    }
    if (!this.bus.isCursor(lastEventId)) return refusal(new InvalidCursorError());
    const resume = new Resume(socket.id, guildId, lastEventId);
    this.resumes.add(resume);
    let replayed: DomainEvent[];
    try {
      replayed = await this.replay(guildId, lastEventId);
    } catch (err) {
      this.resumes.delete(resume);
      socket.data.guilds.delete(guildId);
      return refusal(err);
    }
    if (!this.resumes.has(resume)) return { ok: false, error: UNSUBSCRIBED };
    // From here to the end nothing awaits: no live event can slip between the replay and what follows.
    const missed = resume.replayed(replayed).filter((e) => visibleTo(e, audienceOf(role)));
    for (const event of missed) socket.emit(WS_EVENTS.event, event);
    this.sent.inc(missed.length);
    return { ok: true, guildId, replayed: missed.length };
  }

  unsubscribeGuild(socket: WsSocket, guildId: string): void {
    this.leaveGuild(socket, guildId);
  }

  /** Ends every connection so clients reconnect to another replica (and resume from their last event id). */
  drain(): void {
    if (!this.namespace) return;
    this.disconnects.inc({ reason: WS_CLOSE_REASONS.shutdown }, this.namespace.sockets.size);
    // Closing the transport (not a namespace disconnect) lets Socket.IO clients reconnect on their own.
    for (const conn of [...this.transports]) conn.close();
  }

  private leaveGuild(socket: WsSocket, guildId: string): void {
    for (const r of this.resumes)
      if (r.socketId === socket.id && r.guildId === guildId) this.resumes.delete(r);
    void socket.leave(roomOf(guildId, 'viewer'));
    void socket.leave(roomOf(guildId, 'admin'));
    socket.data.guilds.delete(guildId);
  }

  private joinRooms(socket: WsSocket, guildId: string, role: MemberRole): void {
    void socket.join(roomOf(guildId, 'viewer'));
    if (role === 'admin') void socket.join(roomOf(guildId, 'admin'));
  }

  private async replay(guildId: string, after: string): Promise<DomainEvent[]> {
    const events: DomainEvent[] = [];
    let cursor = after;
    while (events.length < this.limits.maxReplay) {
      const page = await this.bus.replay(guildId, cursor, this.limits.replayPageSize);
      events.push(...page);
      if (page.length < this.limits.replayPageSize) break;
      const last = page[page.length - 1].cursor;
      if (last === undefined) break;
      cursor = last;
    }
    return events.slice(0, this.limits.maxReplay);
  }

  private fanOut(event: DomainEvent): void {
    const ns = this.namespace;
    if (!ns) return;
    for (const r of this.resumes) {
      if (r.guildId !== event.guildId) continue;
      const socket = ns.sockets.get(r.socketId);
      const role = socket?.data.guilds.get(r.guildId);
      if (!socket || !role) this.resumes.delete(r);
      // Caught up: from this event on, the rooms carry everything.
      else if (r.live(event) === 'join') {
        this.resumes.delete(r);
        this.joinRooms(socket, r.guildId, role);
      }
    }
    const room = roomOf(event.guildId, event.audience);
    const members = ns.adapter.rooms.get(room);
    if (!members?.size) return;
    for (const id of [...members]) {
      const socket = ns.sockets.get(id);
      if (socket && socket.data.queued >= this.limits.maxBufferedPackets)
        this.end(socket, WS_CLOSE_REASONS.slowConsumer, 'Too many events waiting to be sent.');
    }
    const size = ns.adapter.rooms.get(room)?.size ?? 0;
    if (size === 0) return;
    ns.to(room).emit(WS_EVENTS.event, event);
    this.sent.inc(size);
  }

  /**
   * Ends a connection the server gives up on. A `stream_error` goes first; a slow consumer would only get it after
   * its backlog, so its transport is closed at once (buffer discarded) and the reason is in logs and metrics.
   */
  private end(socket: WsSocket, reason: WsCloseReason, message: string): void {
    if (!socket.connected) return;
    this.disconnects.inc({ reason });
    this.logger.log({ reason, kind: socket.data.principal.kind }, 'Ending a WebSocket stream connection');
    if (reason === WS_CLOSE_REASONS.slowConsumer) {
      socket.conn.close(true);
      return;
    }
    socket.emit(WS_EVENTS.streamError, { code: reason.toUpperCase(), message });
    socket.disconnect(true);
  }
}

function refusal(err: unknown): SubscribeAck {
  if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message } };
  throw err;
}
