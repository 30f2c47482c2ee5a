import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_LOG_CAP, EventBus, InvalidCursorError } from '../../platform/events';
import { CurrentPrincipal, GuildMember, Principal } from '../auth';
import { SNOWFLAKE_EXAMPLE } from './dto';
import { API_V1 } from './dto';
import { EventStreamHub } from './events/event-stream.hub';

/**
 * `GET /api/v1/guilds/:guildId/events`: the guild's events as Server-Sent Events (docs/events.md). Any member
 * role may listen; viewers and moderators get `audience: viewer` events, admins all. `Last-Event-ID` replays
 * what the bounded log still holds after that id, then the stream goes live.
 */
@ApiTags('events')
@ApiParam({ name: 'guildId', example: SNOWFLAKE_EXAMPLE })
@Controller({ path: 'guilds/:guildId/events', version: API_V1 })
export class EventsController {
  constructor(
    private readonly bus: EventBus,
    private readonly hub: EventStreamHub,
  ) {}

  @Get()
  @GuildMember()
  @ApiOperation({
    summary: "Follow the guild's events (Server-Sent Events)",
    description:
      'A `text/event-stream`: each event has `id:` (the cursor), `event:` (its type) and `data:` (the JSON ' +
      'envelope, docs/events.md). Comment lines are heartbeats. The stream ends with `event: end` and a ' +
      '`reason` (`token_expired`, `slow_consumer`, `shutting_down`). Reconnect with `Last-Event-ID` to get the ' +
      `events missed since (at most the last ${EVENT_LOG_CAP} of the guild).`,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id.' })
  @ApiOkResponse({ description: 'The event stream.' })
  async stream(
    @Param('guildId') guildId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const after = lastEventId?.trim() || undefined;
    if (after !== undefined && !this.bus.isCursor(after)) throw new InvalidCursorError();
    const audience = principal.guilds[guildId] === 'admin' ? 'admin' : 'viewer';
    // Registered before the replay is read, so nothing published meanwhile falls between the two.
    const client = this.hub.open(guildId, res, audience, principal.expiresAt);
    // The response's close, not the request's: the request closes once read, the response with the connection.
    res.on('close', () => client.closedByPeer());
    let replayed;
    try {
      replayed = after ? await this.bus.replay(guildId, after, EVENT_LOG_CAP) : [];
    } catch (e) {
      client.closedByPeer();
      throw e;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx would buffer the stream otherwise.
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    client.start(replayed, after);
  }
}
