import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import { discordError, type RestResponse } from './http';
import {
  ALL_PERMISSIONS,
  basePermissions,
  type ChannelModel,
  type GuildModel,
  type MemberModel,
} from './model';

/**
 * Channel permissions as Discord computes them (discord-api-docs, topics/permissions, "Permission Overwrites"):
 * base = `@everyone` | the member's roles (owner or ADMINISTRATOR → all); then the channel's `@everyone`
 * overwrite, the member's role overwrites (deny all, then allow all), the member's own overwrite. ADMINISTRATOR
 * skips overwrites. Threads have no overwrites of their own: they use their parent channel's
 * (resources/channel, "Threads"). Without VIEW_CHANNEL nothing else in the channel is allowed ("Implicit
 * Permissions").
 */

/** Thread channel types (10 announcement thread, 11 public thread, 12 private thread). */
export const THREAD_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
]);

/**
 * Channel types Discord accepts `POST /channels/{id}/messages` in: text, announcement, threads, and the text chat of
 * voice and stage channels. Categories (4), directories (14), forums (15) and media channels (16) answer 400 / 50008
 * "Cannot send messages in a non-text channel".
 */
export const MESSAGEABLE_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
  ...THREAD_TYPES,
]);

/** The channel whose overwrites apply: a thread's parent, else the channel itself. */
export function overwriteSource(guild: GuildModel, channel: ChannelModel): ChannelModel {
  if (!THREAD_TYPES.has(channel.type) || !channel.parentId) return channel;
  return guild.channels.get(channel.parentId) ?? channel;
}

/** A member's permissions in a channel, overwrites applied. */
export function channelPermissions(guild: GuildModel, member: MemberModel, channel: ChannelModel): bigint {
  const base = basePermissions(guild, member);
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  const overwrites = overwriteSource(guild, channel).overwrites;
  let permissions = base;
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const roleId of member.roles) {
    const role = overwrites.find((o) => o.type === OverwriteType.Role && o.id === roleId);
    if (role) {
      allow |= role.allow;
      deny |= role.deny;
    }
  }
  permissions = (permissions & ~deny) | allow;
  const own = overwrites.find((o) => o.type === OverwriteType.Member && o.id === member.userId);
  if (own) permissions = (permissions & ~own.deny) | own.allow;
  // Implicit: a channel one cannot see grants nothing.
  return (permissions & PermissionFlagsBits.ViewChannel) === 0n ? 0n : permissions;
}

/**
 * What an interaction says a member may do in a channel (`member.permissions`, `app_permissions`): the member's
 * configured override when there is one (a test forcing a value), else the computed channel permissions.
 */
export function memberPermissionsIn(guild: GuildModel, member: MemberModel, channel: ChannelModel): bigint {
  return member.permissionsOverride ?? channelPermissions(guild, member, channel);
}

/** The permission needed to post in a channel: SEND_MESSAGES_IN_THREADS in threads, else SEND_MESSAGES. */
export function sendPermissionFor(channel: ChannelModel): bigint {
  return THREAD_TYPES.has(channel.type)
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
}

/**
 * Discord's refusal of a bot request in a channel, or null when allowed: 403 / 50001 Missing Access without
 * VIEW_CHANNEL (or when the bot is not in the guild), 403 / 50013 Missing Permissions without `needed`.
 */
export function botChannelRefusal(
  guild: GuildModel,
  botUserId: string,
  channel: ChannelModel,
  needed = 0n,
): RestResponse | null {
  const bot = guild.members.get(botUserId);
  if (!bot) return discordError(403, 50001, 'Missing Access');
  const permissions = channelPermissions(guild, bot, channel);
  if ((permissions & PermissionFlagsBits.ViewChannel) === 0n)
    return discordError(403, 50001, 'Missing Access');
  if ((permissions & needed) !== needed) return discordError(403, 50013, 'Missing Permissions');
  return null;
}

/**
 * Why `POST /channels/{id}/messages` is refused, or null: the type first (400 / 50008), then access (50001 /
 * 50013, see `botChannelRefusal`). Discord checks permissions before anything in the body.
 */
export function postRefusal(
  guild: GuildModel,
  botUserId: string,
  channel: ChannelModel,
): RestResponse | null {
  const access = botChannelRefusal(guild, botUserId, channel, sendPermissionFor(channel));
  if (access) return access;
  if (!MESSAGEABLE_TYPES.has(channel.type))
    return discordError(400, 50008, 'Cannot send messages in a non-text channel');
  return null;
}
