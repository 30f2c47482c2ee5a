import { Injectable } from '@nestjs/common';
import { Button, ComponentParam, Context, type ButtonContext } from 'necord';
import { Settings } from '../../../platform/settings';
import { MeetingsService } from '../../meetings';
import { DiscordMetrics } from '../discord.metrics';
import { answerEphemeral } from '../interaction/answer';
import { CommandAccessService } from '../interaction/command-access.service';
import { END_BUTTON, JOIN_BUTTON } from '../messages/meeting-message';
import { absoluteJoinUrl, endedReply, joinLinkReply } from '../messages/replies';
import { deferEphemeral } from '../interaction/acknowledge';

/**
 * The meeting message's buttons. They follow the permissions of the commands they stand for (`kaltura-join`,
 * `kaltura-end`), and answer the clicker ephemerally: a personal link is never posted where others see it.
 */
@Injectable()
export class MeetingButtons {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly access: CommandAccessService,
    private readonly metrics: DiscordMetrics,
    private readonly settings: Settings,
  ) {}

  @Button(`${JOIN_BUTTON}/:id`)
  async join(@Context() [interaction]: ButtonContext, @ComponentParam('id') id: string): Promise<void> {
    await answerEphemeral(interaction, async () => {
      const member = await this.access.authorize(interaction, 'kaltura-join');
      const result = await this.meetings.join(member.facts.guildId, id, member);
      return joinLinkReply(result, absoluteJoinUrl(result.url, this.settings.http.port));
    });
    this.metrics.interaction('button', JOIN_BUTTON, 'ok');
  }

  /** Ends the meeting; the `meeting.ended` listener edits the meeting message (same path as every other end). */
  @Button(`${END_BUTTON}/:id`)
  async end(@Context() [interaction]: ButtonContext, @ComponentParam('id') id: string): Promise<void> {
    await deferEphemeral(interaction);
    const actor = await this.access.authorize(interaction, 'kaltura-end');
    await interaction.editReply(endedReply(await this.meetings.end(actor.facts.guildId, id, actor)));
    this.metrics.interaction('button', END_BUTTON, 'ok');
  }
}
