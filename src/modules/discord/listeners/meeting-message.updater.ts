import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { Client, Routes } from 'discord.js';
import { MEETING_EVENTS, type Meeting, type MeetingEndedEvent } from '../../meetings';
import { ChannelSuspensions } from '../../notification';
import { discordErrorCode } from '../interaction/error-replies';
import { endedMessageBody, endedNoticeBody } from '../messages/meeting-message';

/**
 * 30046: "Maximum number of edits to messages older than 1 hour reached. Try again later."
 * (discord-api-docs, topics/opcodes-and-status-codes). A rate limit on editing old messages, not a refusal.
 */
export const OLD_MESSAGE_EDITS_LIMITED = 30046;
/**
 * Waits before each new try of an edit refused with 30046. Discord does not document the window; the message
 * says "older than 1 hour", so the ladder reaches past an hour (about 2 h in all) before it gives up.
 */
/**
 * Refusals about the channel, not the message (10003 Unknown Channel, 50001 Missing Access, 50013 Missing
 * Permissions): a reply in the same channel would be refused too, and each 403 counts toward Discord's
 * invalid-request ban, so there is no fallback post.
 */
const CHANNEL_REFUSALS = new Set([10003, 50001, 50013]);
export const EDIT_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000];

/**
 * Keeps the public meeting message true: when a meeting ends — by button, command, REST or Kaltura webhook — the
 * message shows it ended, with its duration, and loses its buttons. A 30046 is retried later (in this process:
 * a restart drops the pending tries, and the message then keeps showing "Live"). Other refusals (10008 deleted,
 * 10003, 50001, 50013, …) and a 30046 that outlasts the ladder get a short reply in the channel instead, sent
 * with a nonce so a retried post cannot show twice.
 */
@Injectable()
export class MeetingMessageUpdater implements OnModuleDestroy {
  private readonly log = new Logger('discord');
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Overridable by tests (the real ladder spans hours). */
  retryDelaysMs: readonly number[] = EDIT_RETRY_DELAYS_MS;

  constructor(
    private readonly client: Client,
    private readonly suspensions: ChannelSuspensions,
  ) {}

  @OnEvent(MEETING_EVENTS.ended)
  async onEnded({ meeting }: MeetingEndedEvent): Promise<void> {
    if (!meeting.channelId || !meeting.messageId) return;
    await this.tryEdit(meeting, 0);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async tryEdit(meeting: Meeting, attempt: number): Promise<void> {
    const { channelId, messageId } = meeting as Meeting & { channelId: string; messageId: string };
    // A channel that refused the bot recently (shared with notification delivery): another request there would
    // only be refused again, and count toward Discord's invalid-request ban.
    const suspended = await this.suspensions.suspension(channelId);
    if (suspended) {
      this.log.warn(
        { meetingId: meeting.id, channelId, reason: suspended },
        'Meeting message not edited: its channel is suspended after Discord refused the bot',
      );
      return;
    }
    try {
      await this.client.rest.patch(Routes.channelMessage(channelId, messageId), {
        body: endedMessageBody(meeting),
      });
      return;
    } catch (err) {
      const code = discordErrorCode(err);
      const delay = this.retryDelaysMs[attempt];
      if (code === OLD_MESSAGE_EDITS_LIMITED && delay !== undefined) {
        this.log.warn(
          { discordCode: code, meetingId: meeting.id, retryInMs: delay, attempt: attempt + 1 },
          'Discord limits edits to old messages (30046); editing the meeting message again later',
        );
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void this.tryEdit(meeting, attempt + 1);
        }, delay);
        timer.unref();
        this.timers.add(timer);
        return;
      }
      if (code !== undefined && CHANNEL_REFUSALS.has(code)) {
        if (ChannelSuspensions.suspends(err))
          await this.suspensions.suspend(
            meeting.guildId,
            channelId,
            `Discord refused an edit (code ${code})`,
          );
        this.log.warn(
          { discordCode: code, meetingId: meeting.id, channelId },
          'Discord refused the meeting message edit for its channel; not replying there either',
        );
        return;
      }
      this.log.warn(
        { err, discordCode: code, meetingId: meeting.id },
        'Could not edit the meeting message; replying in the channel instead',
      );
    }
    try {
      await this.client.rest.post(Routes.channelMessages(channelId), {
        body: endedNoticeBody(meeting, messageId),
      });
    } catch (err) {
      this.log.warn(
        { err, discordCode: discordErrorCode(err), meetingId: meeting.id },
        'Could not tell the channel that the meeting ended',
      );
    }
  }
}
