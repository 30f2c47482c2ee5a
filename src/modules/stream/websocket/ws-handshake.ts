import type { DefaultEventsMap, Namespace, Socket } from 'socket.io';
import type { MemberRole } from '../../config';
import type { Principal } from '../../auth';

/** What the gateway keeps on each connection (`socket.data`). */
export interface WsConnectionData {
  principal: Principal;
  /** Guilds this connection follows, with the caller's role there (decides the admin room). */
  guilds: Map<string, MemberRole>;
  expiryTimer?: NodeJS.Timeout;
  /** Packets waiting in Engine.IO's write buffer (the network has not taken them). */
  queued: number;
}

/** A connection of the stream namespace, its `data` typed. */
export type WsSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, WsConnectionData>;
/** The stream namespace. */
export type WsNamespace = Namespace<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, WsConnectionData>;

/** A resume request: follow `guildId`, first replaying what came after `lastEventId`. */
export interface SubscribeRequest {
  guildId: string;
  lastEventId?: string;
}

/** The acknowledgement of `subscribe`: how many missed events were replayed, or why it was refused. */
export type SubscribeAck =
  { ok: true; guildId: string; replayed: number } | { ok: false; error: { code: string; message: string } };

const MAX_ID_LENGTH = 128;

const isShortString = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;

/** The `auth.token` of the handshake (never taken from the query string: URLs end up in logs). */
export function handshakeToken(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  const token = auth?.token;
  return typeof token === 'string' && token.length > 0 && token.length <= 8_192 ? token : undefined;
}

/**
 * A subscription named in the handshake (`auth.guildId`, else the `guildId` query parameter, with an optional
 * `lastEventId` beside it), or null when the client will send `subscribe` itself.
 */
export function handshakeSubscription(socket: Socket): SubscribeRequest | null | 'invalid' {
  const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
  const query = socket.handshake.query;
  const guildId = auth.guildId ?? query.guildId;
  const lastEventId = auth.lastEventId ?? query.lastEventId;
  if (guildId === undefined) return lastEventId === undefined ? null : 'invalid';
  return parseSubscribe({ guildId, lastEventId });
}

/** A well-formed `subscribe` payload, or 'invalid'. */
export function parseSubscribe(payload: unknown): SubscribeRequest | 'invalid' {
  if (!payload || typeof payload !== 'object') return 'invalid';
  const { guildId, lastEventId } = payload as Record<string, unknown>;
  if (!isShortString(guildId)) return 'invalid';
  if (lastEventId === undefined || lastEventId === null || lastEventId === '') return { guildId };
  return isShortString(lastEventId) ? { guildId, lastEventId } : 'invalid';
}
