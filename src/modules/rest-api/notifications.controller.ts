import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError, ValidationFailedError } from '../../platform/errors';
import { GuildMember } from '../auth';
import { NotificationRepository, decodeCursor, encodeCursor } from '../notification';
import { API_V1, SNOWFLAKE } from './dto';
import { ListNotificationsQuery, NotificationView, toView } from './dto/notifications.dto';

const NOTIFICATION_ID = /^[a-f0-9]{24}$/;

function assertGuildId(guildId: string): void {
  if (!SNOWFLAKE.test(guildId)) {
    throw new ValidationFailedError(
      [{ field: 'guildId', message: 'must be a Discord id' }],
      'The guild id is not valid.',
    );
  }
}

/**
 * Delivery status of a guild's notifications. Read-only; access control is added by the auth module's guards.
 */
@ApiTags('notifications')
@GuildMember('moderator')
@Controller({ path: 'guilds/:guildId/notifications', version: API_V1 })
export class NotificationsController {
  constructor(private readonly repository: NotificationRepository) {}

  @Get()
  @ApiOperation({ summary: "The guild's notifications, newest first, with their delivery status" })
  @ApiOkResponse({ description: '`{ apiVersion, items, nextCursor }`' })
  async list(
    @Param('guildId') guildId: string,
    @Query() query: ListNotificationsQuery,
  ): Promise<{ apiVersion: string; items: NotificationView[]; nextCursor: string | null }> {
    assertGuildId(guildId);
    const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
    if (after === null) {
      throw new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
    }
    const page = await this.repository.listByGuild(guildId, {
      status: query.status,
      type: query.type,
      limit: query.limit ?? 25,
      after,
    });
    return {
      apiVersion: API_V1,
      items: page.items.map(toView),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One notification and its delivery status' })
  async get(
    @Param('guildId') guildId: string,
    @Param('id') id: string,
  ): Promise<{ apiVersion: string; notification: NotificationView }> {
    assertGuildId(guildId);
    const found = NOTIFICATION_ID.test(id) ? await this.repository.get(id) : null;
    if (!found || found.guildId !== guildId) {
      throw new NotFoundError('NOTIFICATION_NOT_FOUND', 'No such notification in this guild.');
    }
    return { apiVersion: API_V1, notification: toView(found) };
  }
}
