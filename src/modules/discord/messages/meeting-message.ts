import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  TimestampStyles,
  escapeMarkdown,
  time,
  type APIEmbed,
  type MessageActionRowComponentBuilder,
} from 'discord.js';
import { cutForDiscord } from '../../../platform/text';
import { formatDuration, meetingDurationMs, type Meeting, type MeetingType } from '../../meetings';

/** Custom id prefixes of the meeting buttons (`meeting/join/<id>`, `meeting/end/<id>`). */
export const JOIN_BUTTON = 'meeting/join';
export const END_BUTTON = 'meeting/end';
/** Nobody is ever pinged by what the bot posts. */
export const NO_MENTIONS = { parse: [] as [] };

const TYPE_LABEL: Record<MeetingType, string> = {
  meeting: '📹 Meeting',
  webinar: '🎙️ Webinar',
  classroom: '🏫 Classroom',
};
const COLOR = { active: 0x2ecc71, ended: 0x95a5a6 } as const;

export const typeLabel = (type: MeetingType): string => TYPE_LABEL[type];
export const joinButtonId = (meetingId: string): string => `${JOIN_BUTTON}/${meetingId}`;
export const endButtonId = (meetingId: string): string => `${END_BUTTON}/${meetingId}`;

/** Text typed by users, safe inside markdown (no formatting tricks; mentions never ping anyway). */
export const plain = (text: string): string => escapeMarkdown(text);

/** Cuts to `max` so both Discord (code points) and discord.js's builders (UTF-16 units) accept it. */
export const cut = cutForDiscord;

/** The embed of the public meeting message: title, type, host, status, start; duration once ended. */
export function meetingEmbed(meeting: Meeting): APIEmbed {
  const started = meeting.createdAt;
  const embed = new EmbedBuilder()
    .setTitle(cut(meeting.title, 256))
    .setColor(COLOR[meeting.status])
    .addFields(
      { name: 'Type', value: typeLabel(meeting.type), inline: true },
      { name: 'Host', value: cut(plain(meeting.hostName), 1024), inline: true },
      { name: 'Status', value: meeting.status === 'active' ? '🟢 Live' : '⚪ Ended', inline: true },
      {
        name: 'Started',
        value: `${time(started, TimestampStyles.ShortDateTime)} (${time(started, TimestampStyles.RelativeTime)})`,
        inline: true,
      },
    )
    .setFooter({ text: `Meeting ID ${meeting.id}` })
    .setTimestamp(started);
  if (meeting.description) embed.setDescription(cut(meeting.description, 4096));
  if (meeting.status === 'ended' && meeting.endedAt) {
    embed.addFields(
      { name: 'Ended', value: time(meeting.endedAt, TimestampStyles.ShortDateTime), inline: true },
      { name: 'Duration', value: formatDuration(meetingDurationMs(meeting)), inline: true },
    );
  }
  return embed.toJSON();
}

/** Join (everyone gets a personal link) and End (host or admin) buttons; none once the meeting ended. */
export function meetingButtons(meeting: Meeting): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  if (meeting.status !== 'active') return [];
  return [
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder()
        .setCustomId(joinButtonId(meeting.id))
        .setLabel('Join')
        .setStyle(ButtonStyle.Primary),
      new ButtonBuilder()
        .setCustomId(endButtonId(meeting.id))
        .setLabel('End meeting')
        .setStyle(ButtonStyle.Danger),
    ),
  ];
}

/** REST body that turns the meeting message into its ended form (no buttons). */
export function endedMessageBody(meeting: Meeting) {
  return { embeds: [meetingEmbed(meeting)], components: [], allowed_mentions: NO_MENTIONS };
}

/** Short reply posted under the meeting message when Discord refuses to edit it (old or deleted message). */
export function endedNoticeBody(meeting: Meeting, replyTo: string) {
  return {
    content: `**${plain(cut(meeting.title, 100))}** has ended after ${formatDuration(meetingDurationMs(meeting))}.`,
    message_reference: { message_id: replyTo, fail_if_not_exists: false },
    allowed_mentions: NO_MENTIONS,
    // @discordjs/rest retries a POST whose answer was lost; with the nonce enforced, Discord returns the first
    // message instead of a second one (message.mdx, Create Message: nonce ≤ 25 characters, "past few minutes").
    nonce: `end-${meeting.id}`,
    enforce_nonce: true,
  };
}
