import { EVENT_LOG_CAP } from '../../../platform/events';
import { API_PREFIX, API_VERSION } from '../../../platform/http';

/** The Socket.IO endpoint (Engine.IO path) of the event stream, under the versioned API prefix. */
export const WS_PATH = `/${API_PREFIX}/v${API_VERSION}/socket.io`;

/** The Socket.IO namespace of the guild event stream (one namespace per purpose). */
export const WS_NAMESPACE = '/events';

/** Names of the Socket.IO events of the stream: part of the public API (docs/events.md). */
export const WS_EVENTS = {
  /** server → client: one domain event (`DomainEvent` JSON). */
  event: 'event',
  /** server → client: why the server is about to end the connection (`{ code, message }`). */
  streamError: 'stream_error',
  /** client → server: `{ guildId, lastEventId? }`, acknowledged with `SubscribeAck`. */
  subscribe: 'subscribe',
  /** client → server: `{ guildId }`, acknowledged with `{ ok: true }`. */
  unsubscribe: 'unsubscribe',
} as const;

/** Why the server ended a connection: the `reason` label of `kd_ws_disconnects_total` and the client's code. */
export const WS_CLOSE_REASONS = {
  tokenExpired: 'token_expired',
  slowConsumer: 'slow_consumer',
  shutdown: 'shutdown',
} as const;
export type WsCloseReason = (typeof WS_CLOSE_REASONS)[keyof typeof WS_CLOSE_REASONS];

/** Bounds of the WebSocket stream; tests shrink them through the `WsStreamLimits` provider. */
export abstract class WsStreamLimits {
  /**
   * Packets queued for one connection (Engine.IO's write buffer) beyond which it is a slow consumer and is cut:
   * what the network does not take is never buffered without bound.
   */
  abstract readonly maxBufferedPackets: number;
  /** Events replayed per page from the bus log when a client resumes with `lastEventId`. */
  abstract readonly replayPageSize: number;
  /** Most events replayed in one resume: the bus keeps no more per guild. */
  abstract readonly maxReplay: number;
}

/**
 * 1,000 packets is ten seconds of the benchmark's 100 events/s (far more than a guild's real rate), about 0.5 MB
 * per connection at typical event sizes. A client that falls further behind reconnects and resumes from its
 * `lastEventId`, so nothing is lost that the replay log still holds.
 */
export const DEFAULT_WS_LIMITS: WsStreamLimits = {
  maxBufferedPackets: 1_000,
  replayPageSize: 500,
  maxReplay: EVENT_LOG_CAP,
};

/** Socket.IO room of a guild's stream: every subscriber (audience `viewer`), or its admins (audience `admin`). */
export const roomOf = (guildId: string, audience: 'viewer' | 'admin'): string =>
  audience === 'admin' ? `guild:${guildId}:admin` : `guild:${guildId}`;
