import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';
import { apiMember, guildCreatePayload, readyPayload } from './payloads';
import { shardOf } from './snowflake';
import type { FakeDiscordState } from './state';

/** One gateway session (survives its socket while resumable). */
export interface GatewaySession {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  /** Dispatches sent in this session (the last 1,000), replayed on RESUME. */
  buffer: Array<{ op: 0; t: string; s: number; d: unknown }>;
  socket: WebSocket | null;
  identifiedAt: number;
  resumes: number;
}

/** A gateway frame the fake received (`in`) or sent (`out`), or a connection event. */
export interface GatewayLogEntry {
  at: number;
  direction: 'in' | 'out' | 'connect' | 'close';
  op?: number;
  t?: string | null;
  s?: number | null;
  sessionId?: string;
  shard?: [number, number];
  /** Received payload data (`in`), connection path (`connect`), close code (`close`). */
  d?: unknown;
}

/** Selects sessions for a gateway fault; no criterion means every connected session. */
export interface SessionFilter {
  shardId?: number;
  sessionId?: string;
}

interface Connection {
  socket: WebSocket;
  session: GatewaySession | null;
  closingByServer: boolean;
}

/** Gateway v10 over `ws`, attached to the fake's HTTP server (`/gateway`, and `/gateway/resume` for resumes). */
export class FakeGateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly log: GatewayLogEntry[] = [];
  /** When false, heartbeats go unanswered (a zombie connection, which discord.js resumes from). */
  ackHeartbeats = true;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly state: FakeDiscordState,
    private readonly resumeUrl: () => string,
  ) {}

  /** The node:http `upgrade` listener. */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (!path.startsWith('/gateway')) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req.url ?? path));
  };

  /** The session that receives events of a guild: the newest one owning the guild's shard. */
  sessionForGuild(guildId: string): GatewaySession | undefined {
    const owners = [...this.sessions.values()].filter((s) => shardOf(guildId, s.shard[1]) === s.shard[0]);
    return owners.sort((a, b) => b.identifiedAt - a.identifiedAt)[0];
  }

  /**
   * Sends a dispatch to the session owning the guild's shard. While that session's socket is down the event is
   * buffered and replayed on RESUME, as Discord does. Throws when no session owns the shard.
   */
  dispatchToGuild(guildId: string, t: string, d: unknown): GatewaySession {
    const session = this.sessionForGuild(guildId);
    if (!session) throw new Error(`FakeDiscord: no gateway session owns the shard of guild ${guildId}`);
    this.dispatch(session, t, d);
    return session;
  }

  /** Closes sockets with a resumable code (default 4000), or kills them without a close frame (`abrupt`). */
  drop(filter: SessionFilter = {}, code = 4000, abrupt = false): number {
    const targets = this.select(filter);
    for (const connection of targets) {
      connection.closingByServer = true;
      if (abrupt) connection.socket.terminate();
      else connection.socket.close(code, 'FakeDiscord: dropped');
    }
    return targets.length;
  }

  /** Sends op 9 INVALID_SESSION; a non-resumable one also forgets the session. */
  invalidateSession(resumable: boolean, filter: SessionFilter = {}): number {
    const targets = this.select(filter);
    for (const connection of targets) {
      if (!resumable && connection.session) this.sessions.delete(connection.session.id);
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
    }
    return targets.length;
  }

  /** Sends op 7 RECONNECT: the client should close and RESUME on `resume_gateway_url`. */
  requestReconnect(filter: SessionFilter = {}): number {
    const targets = this.select(filter);
    for (const connection of targets)
      this.send(connection, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    return targets.length;
  }

  /** Number of open sockets. */
  get openSockets(): number {
    return this.connections.size;
  }

  /** Terminates every socket and the WebSocket server. */
  close(): Promise<void> {
    for (const connection of this.connections) {
      connection.closingByServer = true;
      connection.socket.terminate();
    }
    this.connections.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private select(filter: SessionFilter): Connection[] {
    return [...this.connections].filter(
      (c) =>
        c.session !== null &&
        (filter.shardId === undefined || c.session.shard[0] === filter.shardId) &&
        (filter.sessionId === undefined || c.session.id === filter.sessionId),
    );
  }

  private onConnection(socket: WebSocket, url: string): void {
    const connection: Connection = { socket, session: null, closingByServer: false };
    this.connections.add(connection);
    this.record({ at: Date.now(), direction: 'connect', d: url });
    socket.on('message', (data, isBinary) => this.onMessage(connection, data.toString(), isBinary));
    socket.on('error', () => undefined); // a reset client socket must not crash the fake
    socket.on('close', (code) => this.onClose(connection, code));
    this.send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.state.settings.heartbeatIntervalMs, _trace: ['["fake-gateway",{}]'] },
      s: null,
      t: null,
    });
  }

  private onClose(connection: Connection, code: number): void {
    this.connections.delete(connection);
    const session = connection.session;
    this.record({
      at: Date.now(),
      direction: 'close',
      d: code,
      sessionId: session?.id,
      shard: session?.shard,
    });
    if (!session) return;
    if (session.socket === connection.socket) session.socket = null;
    // A client closing with 1000/1001 ends its session; any other code keeps it resumable.
    if (!connection.closingByServer && (code === 1000 || code === 1001)) this.sessions.delete(session.id);
  }

  private onMessage(connection: Connection, text: string, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(text) as { op?: unknown; d?: unknown };
    } catch {
      return this.closeWith(connection, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
    }
    const { op, d } = payload;
    this.record({
      at: Date.now(),
      direction: 'in',
      op: Number(op),
      d: isBinary ? '(binary)' : d,
      sessionId: connection.session?.id,
      shard: connection.session?.shard,
    });
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        if (this.ackHeartbeats)
          this.send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        return this.identify(connection, (d ?? {}) as IdentifyData);
      case GatewayOpcodes.Resume:
        return this.resume(connection, (d ?? {}) as ResumeData);
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        if (!connection.session) {
          return this.closeWith(connection, GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        }
        if (op === GatewayOpcodes.RequestGuildMembers)
          this.membersChunk(connection.session, (d ?? {}) as MembersRequest);
        return;
      default:
        return this.closeWith(connection, GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(connection: Connection, d: IdentifyData): void {
    if (connection.session)
      return this.closeWith(connection, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
    if (d.token !== this.state.settings.token) {
      return this.closeWith(connection, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    }
    const shard: [number, number] = Array.isArray(d.shard)
      ? [Number(d.shard[0]), Number(d.shard[1])]
      : [0, 1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
      return this.closeWith(connection, GatewayCloseCodes.InvalidShard, 'Invalid shard.');
    }
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      shard,
      intents: Number(d.intents ?? 0),
      seq: 0,
      buffer: [],
      socket: connection.socket,
      identifiedAt: Date.now(),
      resumes: 0,
    };
    this.sessions.set(session.id, session);
    connection.session = session;
    const guilds = [...this.state.guilds.values()].filter(
      (guild) => shardOf(guild.id, shard[1]) === shard[0],
    );
    const ready = readyPayload({
      bot: this.state.bot,
      applicationId: this.state.settings.applicationId,
      guildIds: guilds.map((guild) => guild.id),
      sessionId: session.id,
      resumeGatewayUrl: this.resumeUrl(),
      shard,
    });
    this.dispatch(session, 'READY', ready);
    for (const guild of guilds) this.dispatchGuildCreate(session, guild.id);
  }

  /** Sends GUILD_CREATE for a guild to a session. */
  dispatchGuildCreate(session: GatewaySession, guildId: string): void {
    const guild = this.state.requireGuild(guildId);
    this.dispatch(
      session,
      'GUILD_CREATE',
      guildCreatePayload(guild, session.intents, this.state.bot.id, (id) => this.state.requireUser(id)),
    );
  }

  /** Answers op 8 with one GUILD_MEMBERS_CHUNK (by `user_ids`, or by username prefix `query` and `limit`). */
  private membersChunk(session: GatewaySession, d: MembersRequest): void {
    const guild = this.state.guilds.get(String(d.guild_id));
    if (!guild) return;
    const wanted = d.user_ids === undefined ? null : [d.user_ids].flat().map(String);
    const query = (d.query ?? '').toLowerCase();
    let members = [...guild.members.values()].filter((member) =>
      wanted
        ? wanted.includes(member.userId)
        : this.state.requireUser(member.userId).username.toLowerCase().startsWith(query),
    );
    if (!wanted && d.limit) members = members.slice(0, d.limit);
    this.dispatch(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: guild.id,
      members: members.map((member) => apiMember(member, this.state.requireUser(member.userId))),
      chunk_index: 0,
      chunk_count: 1,
      ...(wanted ? { not_found: wanted.filter((id) => !guild.members.has(id)) } : {}),
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
    });
  }

  private resume(connection: Connection, d: ResumeData): void {
    const session = this.sessions.get(String(d.session_id));
    if (!session || d.token !== this.state.settings.token) {
      return this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    }
    const previous = [...this.connections].find((c) => c !== connection && c.session === session);
    if (previous) {
      previous.closingByServer = true;
      previous.socket.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere');
    }
    connection.session = session;
    session.socket = connection.socket;
    session.resumes += 1;
    const from = Number(d.seq ?? 0);
    for (const missed of session.buffer) if (missed.s > from) this.send(connection, missed);
    this.dispatch(session, 'RESUMED', { _trace: ['["fake-gateway",{}]'] });
  }

  private dispatch(session: GatewaySession, t: string, d: unknown): void {
    const payload = { op: 0 as const, t, s: ++session.seq, d };
    session.buffer.push(payload);
    if (session.buffer.length > 1000) session.buffer.shift();
    const connection = [...this.connections].find(
      (c) => c.session === session && c.socket === session.socket,
    );
    if (connection) this.send(connection, payload);
    this.state.waiters.notify();
  }

  private send(
    connection: Connection,
    payload: { op: number; d: unknown; s: number | null; t: string | null },
  ): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(JSON.stringify(payload));
    this.record({
      at: Date.now(),
      direction: 'out',
      op: payload.op,
      t: payload.t,
      s: payload.s,
      sessionId: connection.session?.id,
      shard: connection.session?.shard,
    });
  }

  private closeWith(connection: Connection, code: number, reason: string): void {
    connection.closingByServer = true;
    connection.socket.close(code, reason);
  }

  private record(entry: GatewayLogEntry): void {
    this.log.push(entry);
    this.state.waiters.notify();
  }
}

interface IdentifyData {
  token?: unknown;
  shard?: unknown[];
  intents?: unknown;
}

interface MembersRequest {
  guild_id?: unknown;
  query?: string;
  limit?: number;
  user_ids?: string | string[];
  nonce?: string;
}

interface ResumeData {
  token?: unknown;
  session_id?: unknown;
  seq?: unknown;
}
