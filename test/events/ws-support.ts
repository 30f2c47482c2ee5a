import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { AccessTokenService, JWT_AUDIENCE, JWT_ISSUER } from '../../src/modules/auth';
import type { MemberRole } from '../../src/modules/config';
import { SubscribeAck, WS_NAMESPACE, WS_PATH } from '../../src/modules/stream';
import { DomainEvent, EventAudience, EventBus } from '../../src/platform/events';
import { eventually } from '../support/eventually';

let seq = 0;
/** A fresh snowflake-shaped guild id per test, so suites never see each other's events. */
export const newGuildId = (): string => `81${Date.now()}${String(seq++).padStart(4, '0')}`.slice(0, 19);

const USER = '123456789012345678';

/** An access token for a signed-in user with the given guild roles, as `POST /auth/token` would issue. */
export function tokenFor(app: INestApplication, guilds: Record<string, MemberRole>): string {
  return app.get(AccessTokenService).issue({ kind: 'user', subject: USER, displayName: 'Ada', guilds }).token;
}

/** A valid token that expires `seconds` from now (JWT `exp` has whole seconds). */
export function shortLivedToken(
  app: INestApplication,
  guilds: Record<string, MemberRole>,
  seconds: number,
): string {
  return app.get(JwtService).sign(
    { typ: 'user', name: 'Ada', guilds },
    {
      algorithm: 'HS256',
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      subject: USER,
      jwtid: randomUUID(),
      expiresIn: seconds,
    },
  );
}

/** A Socket.IO client of the stream that records what it receives. */
export interface StreamClient {
  socket: Socket;
  events: DomainEvent[];
  errors: Array<{ code: string; message: string }>;
  disconnects: string[];
  subscribe(guildId: string, lastEventId?: string): Promise<SubscribeAck>;
  close(): void;
}

/** Connects (WebSocket transport, as the docs tell clients) and waits for the namespace's `connect`. */
export async function connectStream(
  url: string,
  auth: Record<string, unknown>,
  options: { reconnection?: boolean } = {},
): Promise<StreamClient> {
  const socket = io(`${url}${WS_NAMESPACE}`, {
    path: WS_PATH,
    transports: ['websocket'],
    auth,
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
  const client: StreamClient = {
    socket,
    events: [],
    errors: [],
    disconnects: [],
    subscribe: (guildId, lastEventId) =>
      socket.timeout(5_000).emitWithAck('subscribe', { guildId, lastEventId }) as Promise<SubscribeAck>,
    close: () => socket.disconnect(),
  };
  socket.on('event', (e: DomainEvent) => client.events.push(e));
  socket.on('stream_error', (e: { code: string; message: string }) => client.errors.push(e));
  socket.on('disconnect', (reason) => client.disconnects.push(reason));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}

/** The `connect_error` a handshake gets, or throws if it connects. */
export async function handshakeError(
  url: string,
  auth: Record<string, unknown>,
): Promise<Error & { data?: unknown }> {
  const socket = io(`${url}${WS_NAMESPACE}`, {
    path: WS_PATH,
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the handshake was accepted')));
      socket.once('connect_error', resolve);
    });
  } finally {
    socket.disconnect();
  }
}

/** Publishes one event through the app's bus. */
export function publish(
  app: INestApplication,
  guildId: string,
  type: string,
  audience: EventAudience = 'viewer',
  data: Record<string, unknown> = {},
): Promise<DomainEvent> {
  return app.get(EventBus).publish({ type, version: 1, guildId, audience, data });
}

/** Waits until `client` has received events with these types, in this order, and nothing else. */
export async function receivedExactly(client: StreamClient, types: string[], ms = 5_000): Promise<void> {
  await eventually(() => client.events.length >= types.length, ms, `${types.length} events`);
  expect(client.events.map((e) => e.type)).toEqual(types);
}

/**
 * A stream client that speaks the Socket.IO protocol (v5 over Engine.IO v4) over a bare `ws` socket, so a test
 * can stop reading from the network (`pause()`) as a stalled consumer does.
 */
export class RawStreamClient {
  readonly frames: string[] = [];
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = data.toString();
      if (frame === '2') ws.send('3'); // Engine.IO ping → pong
      this.frames.push(frame);
    });
    ws.on('close', () => (this.closed = true));
  }

  static async connect(url: string, token: string, guildId?: string): Promise<RawStreamClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${WS_PATH}/?EIO=4&transport=websocket`);
    const client = new RawStreamClient(ws);
    await eventually(() => client.frames.some((f) => f.startsWith('0{')), 5_000, 'Engine.IO open');
    ws.send(`40${WS_NAMESPACE},${JSON.stringify({ token, guildId })}`);
    await eventually(
      () => client.frames.some((f) => f.startsWith(`40${WS_NAMESPACE},`)),
      5_000,
      'namespace connect',
    );
    return client;
  }

  /** Stops reading: the kernel buffers fill, then the server's. */
  pause(): void {
    this.ws.pause();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
