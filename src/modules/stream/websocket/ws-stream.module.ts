import { Module } from '@nestjs/common';
import { DEFAULT_WS_LIMITS, WsStreamLimits } from './ws-stream.constants';
import { WsStreamGateway } from './ws-stream.gateway';
import { wsMetricProviders } from './ws-stream.metrics';
import { WsStreamService } from './ws-stream.service';

/**
 * The WebSocket (Socket.IO) event stream. Needs the global `EventsModule` (the bus) and `AuthModule` (tokens).
 * Socket.IO attaches to the application's own HTTP server when the app initialises.
 */
@Module({
  providers: [
    { provide: WsStreamLimits, useValue: DEFAULT_WS_LIMITS },
    WsStreamService,
    WsStreamGateway,
    ...wsMetricProviders(),
  ],
  exports: [WsStreamService],
})
export class WsStreamModule {}
