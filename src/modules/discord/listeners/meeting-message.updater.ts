import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { Client, Routes } from 'discord.js';
import { MEETING_EVENTS, type MeetingEndedEvent } from '../../meetings';
import { discordErrorCode } from '../interaction/error-replies';
import { endedMessageBody, endedNoticeBody } from '../messages/meeting-message';

/**
 * Keeps the public meeting message true: when a meeting ends — by button, command, REST or Kaltura webhook — the
 * message shows it ended, with its duration, and loses its buttons. Discord refuses some edits (messages older
 * than an hour can hit 30046, deleted ones answer 10008); then a short reply in the channel says it instead.
 */
@Injectable()
export class MeetingMessageUpdater {
  private readonly log = new Logger('discord');

  constructor(private readonly client: Client) {}

  @OnEvent(MEETING_EVENTS.ended)
  async onEnded({ meeting }: MeetingEndedEvent): Promise<void> {
    const { channelId, messageId } = meeting;
    if (!channelId || !messageId) return;
    try {
      await this.client.rest.patch(Routes.channelMessage(channelId, messageId), {
        body: endedMessageBody(meeting),
      });
      return;
    } catch (err) {
      this.log.warn(
        { err, discordCode: discordErrorCode(err), meetingId: meeting.id },
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
