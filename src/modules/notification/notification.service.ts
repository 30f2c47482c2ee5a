import { Injectable, Logger } from '@nestjs/common';
import { GuildConfigService, NotificationType } from '../config';
import { notificationId } from './domain/ids';
import type { NotificationAttachment } from './domain/attendance';
import type { NotificationRecord, NotificationSource } from './domain/notification.types';
import { renderTemplate } from './domain/template-renderer';
import { DiscordMessages } from './discord-rest/discord-messages';
import { NotificationMetrics } from './notification.metrics';
import { NotificationRepository } from './persistence/notification.repository';
import { DeliveryQueue } from './queue/delivery-queue.port';

/** A notification to create: what it is about and the raw (unescaped) values of its placeholders. */
export interface NotifyInput {
  type: NotificationType;
  /** Identifies the cause (e.g. `meeting_start:<meetingId>`): the same cause never notifies twice. */
  dedupeKey: string;
  guildId: string;
  meetingId: string | null;
  /** The channel the meeting was started in (the default route). */
  meetingChannelId: string | null;
  values: Record<string, string | null | undefined>;
  source: NotificationSource;
  sourceEventId?: string;
  /** A file to post with the message (Discord multipart upload). */
  attachment?: NotificationAttachment;
  /** Never ping, whatever the guild allows (lists of member names). */
  neverMention?: boolean;
  /** When the cause happened (for the delivery-latency metric); now by default. */
  at?: Date;
}

export const NO_TOKEN_REASON = 'DISCORD_TOKEN is not set: the bot cannot post messages';
export const NO_CHANNEL_REASON =
  'No channel: the guild configures none for this type and the meeting has none';

/**
 * Turns a cause into a stored notification and queues its delivery, following the guild's configuration:
 * disabled guilds and types are skipped (counted, not stored); the template is rendered with escaped values;
 * the route is the configured channel for the type, else the configured default, else the meeting's channel.
 */
@Injectable()
export class NotificationService {
  private readonly log = new Logger('notification');

  constructor(
    private readonly config: GuildConfigService,
    private readonly repository: NotificationRepository,
    private readonly queue: DeliveryQueue,
    private readonly discord: DiscordMessages,
    private readonly metrics: NotificationMetrics,
  ) {}

  /** null when the guild's configuration switches this notification off. Idempotent on `dedupeKey`. */
  async notify(input: NotifyInput): Promise<NotificationRecord | null> {
    const settings = (await this.config.get(input.guildId)).notifications;
    if (!settings.enabled) {
      this.metrics.notification(input.type, 'skipped_guild_disabled');
      return null;
    }
    if (!settings.types[input.type]) {
      this.metrics.notification(input.type, 'skipped_type_disabled');
      return null;
    }
    const now = new Date();
    const channelRef =
      settings.channels[input.type] || settings.channels.default || input.meetingChannelId || null;
    const draft: NotificationRecord = {
      id: notificationId(input.dedupeKey),
      guildId: input.guildId,
      type: input.type,
      status: 'pending',
      meetingId: input.meetingId,
      channelRef,
      channelId: null,
      content: renderTemplate(
        settings.templates[input.type] ?? '',
        input.values,
        `Notification: ${input.type}`,
      ),
      allowMentions: settings.allowMentions === true && input.neverMention !== true,
      ...(input.attachment ? { attachment: input.attachment } : {}),
      source: input.source,
      sourceEventId: input.sourceEventId ?? null,
      attempts: 0,
      lastError: null,
      messageId: null,
      leaseUntil: null,
      nextAttemptAt: null,
      createdAt: input.at ?? now,
      updatedAt: now,
      sentAt: null,
    };
    const skipReason = !this.discord.available ? NO_TOKEN_REASON : !channelRef ? NO_CHANNEL_REASON : null;
    if (skipReason) Object.assign(draft, { status: 'skipped', lastError: skipReason });

    const { created, notification } = await this.repository.createIfAbsent(draft);
    if (!created) {
      this.metrics.notification(input.type, 'duplicate');
    } else if (skipReason) {
      this.metrics.notification(
        input.type,
        this.discord.available ? 'skipped_no_channel' : 'skipped_no_token',
      );
      this.log.log(
        { notificationId: notification.id, type: input.type, reason: skipReason },
        'Notification skipped',
      );
      return notification;
    } else {
      this.metrics.notification(input.type, 'queued');
    }
    // Also for a duplicate still unfinished: the crash that lost its job may be why the cause came again.
    if (notification.status === 'pending' || notification.status === 'failed') {
      await this.queue.enqueue({ kind: 'delivery', id: notification.id, record: notification });
    }
    return notification;
  }
}
