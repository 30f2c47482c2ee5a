import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  TimestampStyles,
  time,
  type MessageActionRowComponentBuilder,
} from 'discord.js';
import type { MemberRole } from '../../config';
import { formatDuration, meetingDurationMs, type JoinResult, type Meeting } from '../../meetings';
import { NO_MENTIONS, cut, joinButtonId, plain, typeLabel } from './meeting-message';

/** Discord refuses link buttons with longer URLs. */
export const MAX_LINK_BUTTON_URL = 512;
/** Meetings shown by `/kaltura-list` (two rows of five join buttons). */
export const LIST_SHOWN = 10;

const ROLE_LABEL: Record<MemberRole, string> = {
  admin: 'admin (host controls)',
  moderator: 'moderator (host controls)',
  viewer: 'viewer',
};

/**
 * Makes a join URL absolute. Live join links are KAF URLs already; sandbox links are paths on this service
 * (`/sandbox/launch?ks=…`), and Discord link buttons need absolute URLs, so they point at
 * `http://localhost:<PORT>`: they open on the machine running the service, which is what the sandbox is for.
 */
export function absoluteJoinUrl(url: string, port: number): string {
  return url.startsWith('/') ? `http://localhost:${port}${url}` : url;
}

/** The ephemeral answer with a personal join link. The link carries a KS: only ever in ephemeral replies. */
export function joinLinkReply(result: JoinResult, url: string, intro?: string) {
  const { meeting, role, expiresAt } = result;
  const lines = [
    intro,
    `Your personal link to **${plain(meeting.title)}** — you join as **${ROLE_LABEL[role]}**.`,
    `It expires ${time(expiresAt, TimestampStyles.RelativeTime)} and is for you only: don't share it.`,
  ].filter(Boolean);
  if (url.length > MAX_LINK_BUTTON_URL) {
    // Very long names make very long KS strings: a markdown link has no such limit.
    return {
      content: [...lines, `[Open the meeting](${url})`].join('\n'),
      components: [],
      allowedMentions: NO_MENTIONS,
    };
  }
  const row = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel('Open the meeting'),
  );
  return { content: lines.join('\n'), components: [row], allowedMentions: NO_MENTIONS };
}

/** `/kaltura-list`: the guild's active meetings with join buttons, or a friendly empty state. */
export function listReply(meetings: Meeting[], now = new Date()) {
  if (meetings.length === 0) {
    return {
      content: 'No meetings are running in this server right now. Start one with `/kaltura-start`.',
      embeds: [],
      components: [],
      allowedMentions: NO_MENTIONS,
    };
  }
  const shown = meetings.slice(0, LIST_SHOWN);
  const embed = new EmbedBuilder()
    .setTitle(meetings.length === 1 ? '1 meeting running' : `${meetings.length} meetings running`)
    .setColor(0x2ecc71)
    .addFields(
      shown.map((m) => ({
        name: cut(m.title, 256),
        value: [
          typeLabel(m.type),
          `host ${cut(plain(m.hostName), 200)}`,
          `running for ${formatDuration(meetingDurationMs(m, now))}`,
          `ID \`${m.id}\``,
        ].join(' · '),
      })),
    );
  if (meetings.length > shown.length) {
    embed.setFooter({ text: `Showing the ${shown.length} newest. Use /kaltura-join to pick any meeting.` });
  }
  const rows: ActionRowBuilder<MessageActionRowComponentBuilder>[] = [];
  shown.forEach((m, i) => {
    if (i % 5 === 0) rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>());
    rows[rows.length - 1].addComponents(
      new ButtonBuilder()
        .setCustomId(joinButtonId(m.id))
        .setLabel(cut(`Join: ${m.title}`, 80))
        .setStyle(ButtonStyle.Primary),
    );
  });
  return { content: '', embeds: [embed.toJSON()], components: rows, allowedMentions: NO_MENTIONS };
}

/** What ending a meeting says to whoever ended it. */
export function endedReply(meeting: Meeting) {
  return {
    content: `**${plain(meeting.title)}** has ended after ${formatDuration(meetingDurationMs(meeting))}.`,
    embeds: [],
    components: [],
    allowedMentions: NO_MENTIONS,
  };
}

/** Autocomplete choice for a meeting id: readable name (≤ 100 characters), the id as value. */
export function meetingChoice(meeting: Meeting): { name: string; value: string } {
  return { name: cut(`${meeting.title} · ${meeting.type} · ${meeting.hostName}`, 100), value: meeting.id };
}
