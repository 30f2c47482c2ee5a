import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { NOTIFICATION_TYPES, NotificationType } from '../../config';
import { NOTIFICATION_STATUSES, NotificationRecord, NotificationStatus } from '../../notification';

/** Query of `GET /guilds/:guildId/notifications`. */
export class ListNotificationsQuery {
  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES })
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;

  @ApiPropertyOptional({ enum: NOTIFICATION_TYPES })
  @IsOptional()
  @IsIn(NOTIFICATION_TYPES)
  type?: NotificationType;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** A notification as the API shows it. */
export interface NotificationView {
  id: string;
  type: NotificationType;
  status: NotificationStatus;
  meetingId: string | null;
  /** The configured channel (id or name), or the meeting's channel. */
  channel: string | null;
  /** The channel id it was posted to (once resolved). */
  channelId: string | null;
  messageId: string | null;
  content: string;
  source: NotificationRecord['source'];
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

export function toView(n: NotificationRecord): NotificationView {
  return {
    id: n.id,
    type: n.type,
    status: n.status,
    meetingId: n.meetingId,
    channel: n.channelRef,
    channelId: n.channelId,
    messageId: n.messageId,
    content: n.content,
    source: n.source,
    attempts: n.attempts,
    lastError: n.lastError,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    sentAt: n.sentAt?.toISOString() ?? null,
    nextAttemptAt: n.status === 'failed' ? (n.nextAttemptAt?.toISOString() ?? null) : null,
  };
}
