import { Injectable, Logger } from '@nestjs/common';
import {
  ApplicationIntegrationType,
  Client,
  InteractionContextType,
  MessageFlags,
  Routes,
  type APIMessage,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { Context, Options, SlashCommand, type SlashCommandContext } from 'necord';
import { Settings } from '../../../platform/settings';
import { MeetingsService, type Meeting } from '../../meetings';
import { DiscordMetrics } from '../discord.metrics';
import { answerEphemeral } from '../interaction/answer';
import { CommandAccessService, type AuthorizedMember } from '../interaction/command-access.service';
import { CommandVersion } from '../interaction/command-version.decorator';
import { discordErrorCode, replyForError } from '../interaction/error-replies';
import { assertCardPostable, cardRefusalText, meetingCardBody } from '../messages/meeting-card';
import { NO_MENTIONS } from '../messages/meeting-message';
import { absoluteJoinUrl, endedReply, joinLinkReply, listReply } from '../messages/replies';
import { MeetingIdOptions, StartMeetingOptions } from './meeting-command.options';
import { MeetingLookup } from './meeting-lookup.service';
import { deferEphemeral } from '../interaction/acknowledge';

/** Guild-only, installed to servers: these commands make no sense in DMs. */
const IN_GUILDS = {
  contexts: [InteractionContextType.Guild],
  integrationTypes: [ApplicationIntegrationType.GuildInstall],
};
type CommandOrAutocomplete = [ChatInputCommandInteraction | AutocompleteInteraction];

/**
 * `/kaltura-start`, `/kaltura-join`, `/kaltura-list`, `/kaltura-end`: a thin transport over `MeetingsService`.
 * Every handler acknowledges first (ephemeral defer, well within Discord's 3 s), then checks the member's
 * permission in code, then calls the use case. Errors become ephemeral answers in `DiscordExceptionFilter`.
 */
@Injectable()
export class MeetingCommands {
  private readonly log = new Logger('discord');

  constructor(
    private readonly meetings: MeetingsService,
    private readonly access: CommandAccessService,
    private readonly lookup: MeetingLookup,
    private readonly metrics: DiscordMetrics,
    private readonly settings: Settings,
    private readonly client: Client,
  ) {}

  @CommandVersion('1.0.0')
  @SlashCommand({
    name: 'kaltura-start',
    description: 'Start a Kaltura meeting and post it in this channel',
    ...IN_GUILDS,
  })
  async start(
    @Context() [interaction]: SlashCommandContext,
    @Options() options: StartMeetingOptions,
  ): Promise<void> {
    await deferEphemeral(interaction);
    const host = await this.access.authorize(interaction, 'kaltura-start');
    // Before anything exists: a meeting whose card Discord would refuse here is refused with the reason.
    assertCardPostable(
      interaction.channelId,
      interaction.channel ?? (await this.fetchChannel(interaction.channelId)),
      interaction.appPermissions,
    );
    const { meeting, reused } = await this.meetings.start({
      guildId: host.facts.guildId,
      channelId: interaction.channelId,
      host,
      title: options.title,
      description: options.description ?? null,
      type: options.type,
    });
    await interaction.editReply(await this.hostReply(meeting, host, reused));
    // An identical start moments before has posted this meeting already: no second message.
    if (!reused) await this.postMeetingMessage(interaction, meeting);
    this.metrics.interaction('command', 'kaltura-start', 'ok');
  }

  @CommandVersion('1.0.0')
  @SlashCommand({
    name: 'kaltura-join',
    description: 'Get your personal link to a running meeting',
    ...IN_GUILDS,
  })
  async join(
    @Context() [interaction]: CommandOrAutocomplete,
    @Options() options: MeetingIdOptions,
  ): Promise<void> {
    if (interaction.isAutocomplete()) return this.lookup.suggest(interaction, 'kaltura-join');
    await answerEphemeral(interaction, async () => {
      const member = await this.access.authorize(interaction, 'kaltura-join');
      const id = await this.lookup.resolve(member.facts.guildId, options.meetingId);
      const result = await this.meetings.join(member.facts.guildId, id, member);
      return joinLinkReply(result, absoluteJoinUrl(result.url, this.settings.http.port));
    });
    this.metrics.interaction('command', 'kaltura-join', 'ok');
  }

  @CommandVersion('1.0.0')
  @SlashCommand({
    name: 'kaltura-list',
    description: 'List the meetings running in this server',
    ...IN_GUILDS,
  })
  async list(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await deferEphemeral(interaction);
    const member = await this.access.authorize(interaction, 'kaltura-list');
    await interaction.editReply(listReply(await this.meetings.list(member.facts.guildId, member)));
    this.metrics.interaction('command', 'kaltura-list', 'ok');
  }

  @CommandVersion('1.0.0')
  @SlashCommand({ name: 'kaltura-end', description: 'End a meeting (its host or an admin)', ...IN_GUILDS })
  async end(
    @Context() [interaction]: CommandOrAutocomplete,
    @Options() options: MeetingIdOptions,
  ): Promise<void> {
    if (interaction.isAutocomplete()) return this.lookup.suggest(interaction, 'kaltura-end');
    await deferEphemeral(interaction);
    const actor = await this.access.authorize(interaction, 'kaltura-end');
    const id = await this.lookup.resolve(actor.facts.guildId, options.meetingId);
    await interaction.editReply(endedReply(await this.meetings.end(actor.facts.guildId, id, actor)));
    this.metrics.interaction('command', 'kaltura-end', 'ok');
  }

  /** The host's personal link (unless the guild switched `features.hostLinkOnStart` off). */
  private async hostReply(meeting: Meeting, host: AuthorizedMember, reused = false) {
    const intro = reused
      ? `You started this meeting moments ago; it is still live (ID \`${meeting.id}\`).`
      : `Your meeting is live (ID \`${meeting.id}\`).`;
    if (host.config.features.hostLinkOnStart === false) {
      return { content: `${intro} Use its Join button to get your link.`, allowedMentions: NO_MENTIONS };
    }
    try {
      const link = await this.meetings.join(meeting.guildId, meeting.id, host);
      return joinLinkReply(link, absoluteJoinUrl(link.url, this.settings.http.port), intro);
    } catch (err) {
      // The meeting exists: say so, and let the Join button retry later.
      this.log.warn({ err, meetingId: meeting.id }, 'Could not make the host link of a new meeting');
      const reason = replyForError(err, meeting.id).content;
      return {
        content: `${intro} Your link could not be made: ${reason} Use its Join button.`,
        allowedMentions: NO_MENTIONS,
      };
    }
  }

  /**
   * The interaction's channel when discord.js has not cached it: archived threads (GUILD_CREATE lists active
   * threads only) and private threads. Null when Discord does not answer; the card post then speaks for itself.
   */
  private async fetchChannel(channelId: string) {
    return this.client.channels.fetch(channelId).catch(() => null);
  }

  /**
   * Posts the public meeting message as a channel message (with the meeting's nonce, so a retried create cannot
   * show it twice; see `meetingCardBody`) and records it, so it can be edited when the meeting ends.
   */
  private async postMeetingMessage(
    interaction: ChatInputCommandInteraction,
    meeting: Meeting,
  ): Promise<void> {
    try {
      const message = (await this.client.rest.post(Routes.channelMessages(interaction.channelId), {
        body: meetingCardBody(meeting),
      })) as APIMessage;
      await this.meetings.attachMessage(meeting.guildId, meeting.id, {
        channelId: message.channel_id,
        messageId: message.id,
      });
    } catch (err) {
      const code = discordErrorCode(err);
      this.log.warn({ err, discordCode: code, meetingId: meeting.id }, 'Could not post the meeting message');
      await interaction.followUp({
        content: `The meeting is running, but its message could not be posted here: ${cardRefusalText(code)}. Members can join with \`/kaltura-join\` (ID \`${meeting.id}\`).`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
    }
  }
}
