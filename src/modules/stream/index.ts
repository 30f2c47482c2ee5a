/** The stream module's public surface (events out to API clients): import from here only. */
export { WsStreamModule } from './websocket/ws-stream.module';
export {
  WsStreamLimits,
  DEFAULT_WS_LIMITS,
  WS_CLOSE_REASONS,
  WS_EVENTS,
  WS_NAMESPACE,
  WS_PATH,
} from './websocket/ws-stream.constants';
export type { SubscribeAck, SubscribeRequest } from './websocket/ws-handshake';
export { WS_METRICS } from './websocket/ws-stream.metrics';
