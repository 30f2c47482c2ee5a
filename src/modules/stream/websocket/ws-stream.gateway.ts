import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { ExtendedError } from 'socket.io';
import { DomainError } from '../../../platform/errors';
import { AUTH_ERROR_CODES, AccessTokenService } from '../../auth';
import {
  SubscribeAck,
  WsNamespace,
  WsSocket,
  handshakeSubscription,
  handshakeToken,
  parseSubscribe,
} from './ws-handshake';
import { WS_EVENTS, WS_NAMESPACE, WS_PATH } from './ws-stream.constants';
import { WsStreamService } from './ws-stream.service';

const INVALID_REQUEST: SubscribeAck = {
  ok: false,
  error: {
    code: 'VALIDATION_FAILED',
    message: 'Send { guildId: string, lastEventId?: string } (each at most 128 characters).',
  },
};

/** A handshake refusal: the client's `connect_error` carries `message` (the code) and `data`. */
function refuse(code: string, message: string): ExtendedError {
  const err = new Error(code) as ExtendedError;
  err.data = { code, message };
  return err;
}

/**
 * The guild event stream over Socket.IO at `/api/v1/socket.io`, namespace `/events`, WebSocket transport only
 * (no long-polling: its requests would need sticky sessions across replicas). The handshake's `auth.token` is
 * a REST API access token; `subscribe` (or `auth.guildId` in the handshake) follows one of its guilds.
 */
@WebSocketGateway({
  path: WS_PATH,
  namespace: WS_NAMESPACE,
  transports: ['websocket'],
  serveClient: false,
  // Clients only send small `subscribe` messages.
  maxHttpBufferSize: 16_384,
  // A connection that has not joined the namespace (with a valid token) within this is closed (default 45 s).
  connectTimeout: 10_000,
})
export class WsStreamGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('WsStream');

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly stream: WsStreamService,
  ) {}

  afterInit(namespace: WsNamespace): void {
    this.stream.attach(namespace);
    // Socket.IO always serves the main namespace `/`: closed here, so no connection stays without a token.
    namespace.server
      .of('/')
      .use((_socket, next) => next(refuse('NAMESPACE_CLOSED', `Connect to ${WS_NAMESPACE}.`)));
    namespace.use((socket, next) => {
      this.authenticate(socket as WsSocket).then(
        () => next(),
        (err: unknown) => next(err as ExtendedError),
      );
    });
  }

  async handleConnection(socket: WsSocket): Promise<void> {
    this.stream.connected(socket);
    const request = handshakeSubscription(socket);
    if (request === null) return;
    let ack: SubscribeAck;
    try {
      ack = request === 'invalid' ? INVALID_REQUEST : await this.stream.subscribe(socket, request);
    } catch (err) {
      // Nobody awaits this handler: an error must end here, not as an unhandled rejection.
      this.logger.error({ err }, 'WebSocket handshake subscription failed');
      ack = { ok: false, error: { code: 'INTERNAL', message: 'The subscription failed; retry later.' } };
    }
    // A refused handshake subscription is reported like a refused `subscribe`, then the connection ends.
    if (!ack.ok) {
      socket.emit(WS_EVENTS.streamError, ack.error);
      socket.disconnect(true);
    }
  }

  handleDisconnect(socket: WsSocket): void {
    // A refused handshake never reached `connected` and has no principal.
    if (socket.data.principal) this.stream.disconnected(socket);
  }

  @SubscribeMessage(WS_EVENTS.subscribe)
  async subscribe(@ConnectedSocket() socket: WsSocket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    const request = parseSubscribe(body);
    return request === 'invalid' ? INVALID_REQUEST : this.stream.subscribe(socket, request);
  }

  @SubscribeMessage(WS_EVENTS.unsubscribe)
  unsubscribe(@ConnectedSocket() socket: WsSocket, @MessageBody() body: unknown): { ok: boolean } {
    const request = parseSubscribe(body);
    if (request !== 'invalid') this.stream.unsubscribeGuild(socket, request.guildId);
    return { ok: request !== 'invalid' };
  }

  private async authenticate(socket: WsSocket): Promise<void> {
    const token = handshakeToken(socket);
    if (!token)
      throw refuse(AUTH_ERROR_CODES.AUTH_REQUIRED, 'Send an access token as auth.token in the handshake.');
    try {
      socket.data.principal = await this.tokens.authenticate(token);
    } catch (err) {
      if (err instanceof DomainError) throw refuse(err.code, err.message);
      this.logger.error({ err }, 'WebSocket handshake failed');
      throw refuse('INTERNAL', 'The handshake could not be checked; retry later.');
    }
    socket.data.guilds = new Map();
  }
}
