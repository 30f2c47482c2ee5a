import {
  PermissionFlagsBits,
  type PermissionsBitField,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import { ChannelNotUsableError } from '../../channels';
import type { Meeting } from '../../meetings';
import { NO_MENTIONS, meetingButtons, meetingEmbed } from './meeting-message';

/**
 * Nonce of the public meeting message: one meeting, one card. Discord caps a nonce at 25 characters (message.mdx,
 * Create Message); `start-` + a 10-character meeting id is 16.
 */
export const meetingCardNonce = (meetingId: string): string => `start-${meetingId}`;

/**
 * The public meeting message as a `POST /channels/{id}/messages` body. With `enforce_nonce`, a create that
 * @discordjs/rest retries after a lost answer (5xx, timeout) returns the message Discord already made instead of
 * posting a second card (message.mdx, Create Message: the nonce is checked against messages "in the past few
 * minutes"; the exact window is not documented). An interaction followup has no nonce: that is why the card is
 * a channel message. Carries no KS, ever.
 */
export function meetingCardBody(meeting: Meeting): RESTPostAPIChannelMessageJSONBody {
  return {
    embeds: [meetingEmbed(meeting)],
    components: meetingButtons(meeting).map((row) => row.toJSON()),
    allowed_mentions: NO_MENTIONS,
    nonce: meetingCardNonce(meeting.id),
    enforce_nonce: true,
  };
}

/** What discord.js knows of the channel an interaction came from (null when it is not cached). */
export interface InteractionChannelFacts {
  isThread(): boolean;
  /** Threads: archived and locked (only members with Manage Threads may unarchive a locked thread). */
  archived?: boolean | null;
  locked?: boolean | null;
}

/**
 * Refuses, before anything is created, a `/kaltura-start` whose card Discord would refuse: the interaction's
 * `app_permissions` are the bot's permissions in that very channel, computed by Discord. The bot needs View
 * Channel and Send Messages (in threads: Send Messages in Threads). A locked, archived thread takes a message only
 * from members with Manage Threads (topics/threads: sending unarchives a thread "unless it's locked"; else 400 /
 * 50083 Thread is archived). An uncached channel is judged by the permissions that do not depend on its type;
 * whatever slips through is answered by Discord and reported to the host (see `cardRefusalText`).
 */
export function assertCardPostable(
  channelId: string,
  channel: InteractionChannelFacts | null,
  appPermissions: Readonly<PermissionsBitField>,
): void {
  const field = 'channel';
  const mention = `<#${channelId}>`;
  if (!appPermissions.has(PermissionFlagsBits.ViewChannel, false))
    throw new ChannelNotUsableError(field, mention, 'no_access');
  const thread = channel?.isThread() ?? false;
  const send = thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if (channel && !appPermissions.has(send, false))
    throw new ChannelNotUsableError(field, mention, 'missing_permissions');
  if (
    thread &&
    channel?.archived &&
    channel.locked &&
    !appPermissions.has(PermissionFlagsBits.ManageThreads, false)
  )
    throw new ChannelNotUsableError(field, mention, 'thread_locked');
}

/** Discord's refusals of the card, in words the host can act on (the meeting runs anyway). */
export function cardRefusalText(code: number | undefined): string {
  switch (code) {
    case 50001:
      return 'the bot cannot see this channel (it needs View Channel; in a private thread it must be a member)';
    case 50013:
      return 'the bot may not post here (it needs Send Messages; in threads Send Messages in Threads)';
    case 50083:
      return 'this thread is archived and locked';
    default:
      return 'Discord did not take the message';
  }
}
