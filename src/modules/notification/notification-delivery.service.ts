import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventBus } from '../../platform/events';
import { ChannelAccess } from '../channels';
import { classifyDiscordError } from './discord-rest/discord-errors';
import { ChannelResolver } from './discord-rest/channel-resolver.service';
import { ChannelSuspensions } from './discord-rest/channel-suspensions.service';
import { DiscordMessages } from './discord-rest/discord-messages';
import { SuspensionNotices } from './discord-rest/suspension-notices.service';
import { reviveNotification } from './domain/record-snapshots';
import { nonceSafeDelayMs, retryDelayMs } from './domain/retry-policy';
import { NOTIFICATION_OPTIONS, NotificationOptions, leaseMs } from './notification.options';
import { NotificationMetrics } from './notification.metrics';
import { NO_CHANNEL_REASON, NO_TOKEN_REASON } from './notification.service';
import { NotificationRepository } from './persistence/notification.repository';
import { DropJobError, RetryJobError } from './queue/delivery-queue.port';

/**
 * Posts one stored notification to Discord, exactly once:
 * - the attempt is claimed in storage first (a lease): no other worker can post it meanwhile, and a `sent`
 *   notification is never posted again, however often its job runs;
 * - the message id is recorded before the job is acknowledged;
 * - the notification id is the message `nonce` with `enforce_nonce`, so a retry after a lost answer returns the
 *   message Discord already created.
 * Failures are classified: retryable ones are rescheduled with backoff (never sooner than Discord's
 * `retry_after`), permanent ones and the last attempt make the notification `dead`.
 */
@Injectable()
export class NotificationDeliveryService {
  private readonly log = new Logger('notification-delivery');

  constructor(
    private readonly repository: NotificationRepository,
    private readonly discord: DiscordMessages,
    private readonly channels: ChannelResolver,
    private readonly metrics: NotificationMetrics,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
    private readonly access: ChannelAccess,
    private readonly suspensions: ChannelSuspensions,
    private readonly notices: SuspensionNotices,
    @Optional() private readonly bus?: EventBus,
  ) {}

  /** `copy`: the job's copy of the notification, used only when this store has never heard of it. */
  async deliver(id: string, copy?: unknown): Promise<void> {
    const now = new Date();
    let claimed = await this.repository.beginAttempt(id, now, leaseMs(this.options));
    if (!claimed && copy !== undefined && !(await this.repository.get(id))) {
      const revived = reviveNotification(copy);
      if (revived?.id === id) {
        await this.repository.createIfAbsent(revived);
        claimed = await this.repository.beginAttempt(id, now, leaseMs(this.options));
      }
    }
    if (!claimed) {
      const current = await this.repository.get(id);
      // Finished (or unknown): nothing to do, whatever job brought us here.
      if (!current || (current.status !== 'pending' && current.status !== 'failed')) return;
      const wait = current.leaseUntil ? current.leaseUntil.getTime() - now.getTime() : 0;
      throw new RetryJobError('Another worker is delivering this notification', Math.max(wait, 100));
    }
    if (!this.discord.available || !claimed.channelRef) {
      await this.repository.markSkipped(
        id,
        !this.discord.available ? NO_TOKEN_REASON : NO_CHANNEL_REASON,
        now,
      );
      return;
    }

    let channelId: string | null = null;
    let messageId: string;
    try {
      channelId = await this.channels.resolve(claimed.guildId, claimed.channelRef);
      const suspended = await this.suspensions.suspension(channelId);
      if (suspended) {
        await this.repository.markSkipped(
          id,
          `Channel suspended after Discord refused a post: ${suspended}`,
          now,
        );
        return;
      }
      // Checked again here, whatever was checked when the channel was configured: a stored value may predate the
      // check, or the channel may have moved, changed type or lost the bot's permissions since.
      const verdict = await this.access.check(claimed.guildId, channelId);
      if (!verdict.ok) {
        const reason = `Channel ${channelId} skipped: ${verdict.message}`;
        await this.repository.markSkipped(id, reason, now);
        this.metrics.notification(claimed.type, `skipped_channel_${verdict.reason}`);
        this.log.warn(
          { notificationId: id, guildId: claimed.guildId, channelId, reason, refusal: verdict.reason },
          'Notification skipped',
        );
        return;
      }
      messageId = (
        await this.discord.postMessage(channelId, {
          content: claimed.content,
          allowMentions: claimed.allowMentions,
          nonce: claimed.id,
          ...(claimed.attachment ? { attachment: claimed.attachment } : {}),
        })
      ).id;
    } catch (err) {
      if (channelId && ChannelSuspensions.suspends(err)) {
        const code = (err as { code: number }).code;
        await this.suspensions.suspend(claimed.guildId, channelId, classifyDiscordError(err).message);
        // Once per suspension (across replicas); in the background: the retry decision must not wait on it.
        void this.notices.tell(claimed.guildId, channelId, code);
        // Discord refused the channel itself: what is cached about it is stale.
        this.access.forget(channelId);
        // 10003: the channel is gone; a name may point at a new channel of that name next time.
        if (code === 10003) await this.channels.forget(claimed.guildId);
      }
      return this.failed(claimed, channelId, err);
    }
    const at = new Date();
    await this.recordSent(id, { messageId, channelId, at });
    this.metrics.attempt('sent');
    this.metrics.delivered(claimed.type, (at.getTime() - claimed.createdAt.getTime()) / 1000);
    this.log.debug({ notificationId: id, channelId, messageId }, 'Notification sent');
    void this.bus?.publish({
      type: 'notification.delivered',
      version: 1,
      guildId: claimed.guildId,
      audience: 'admin',
      data: { notificationId: id, type: claimed.type, channelId, meetingId: claimed.meetingId },
    });
  }

  /**
   * The message is posted: recording it must not turn into a second post. A storage hiccup is retried here; if
   * storage stays down the job fails and, once the lease expires, a retry posts with the same nonce, which
   * Discord answers with the message it already has.
   */
  private async recordSent(
    id: string,
    result: { messageId: string; channelId: string; at: Date },
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.repository.markSent(id, result);
      } catch (err) {
        if (attempt >= 3) {
          this.log.error(
            { err, notificationId: id, messageId: result.messageId },
            'Posted, but could not record it',
          );
          throw err;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private async failed(
    notification: { id: string; attempts: number; guildId: string; type: string; meetingId: string | null },
    channelId: string | null,
    err: unknown,
  ): Promise<never> {
    const { id, attempts } = notification;
    const failure = classifyDiscordError(err);
    const at = new Date();
    const last = attempts >= this.options.retry.maxAttempts;
    if (!failure.retryable || last) {
      const error =
        last && failure.retryable
          ? `${failure.message} (gave up after ${attempts} attempts)`
          : failure.message;
      await this.repository.markDead(id, { error, at, channelId });
      this.metrics.attempt(failure.outcome);
      this.metrics.attempt('dead');
      this.log.warn({ notificationId: id, attempts, reason: error }, 'Notification dead');
      void this.bus?.publish({
        type: 'notification.failed',
        version: 1,
        guildId: notification.guildId,
        audience: 'admin',
        data: {
          notificationId: id,
          type: notification.type,
          channelId,
          meetingId: notification.meetingId,
          reason: error,
        },
      });
      throw new DropJobError(error);
    }
    const outcomeUnknown = failure.outcome === 'network_error' || failure.outcome === 'server_error';
    const delay = nonceSafeDelayMs(
      retryDelayMs(this.options.retry, attempts, failure.retryAfterMs),
      outcomeUnknown,
      failure.retryAfterMs,
    );
    await this.repository.markFailed(id, {
      error: failure.message,
      nextAttemptAt: new Date(at.getTime() + delay),
      at,
      channelId,
    });
    this.metrics.attempt(failure.outcome);
    this.log.log(
      { notificationId: id, attempts, reason: failure.message },
      'Notification delivery failed; will retry',
    );
    throw new RetryJobError(failure.message, delay);
  }
}
