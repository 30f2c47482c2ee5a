import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type {
  FakeChannelConfig,
  FakeGuildConfig,
  FakeMemberConfig,
  FakeUserConfig,
  PermissionsInput,
} from './types';

/** Internal, normalised view of a user. */
export interface UserModel {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

/** Internal view of a role. */
export interface RoleModel {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  managed: boolean;
}

/** Internal view of a guild channel. */
export interface ChannelModel {
  id: string;
  guildId: string;
  name: string;
  type: ChannelType;
  parentId: string | null;
  topic: string | null;
  position: number;
  /** Permission overwrites (see permissions.ts); threads use their parent's. */
  overwrites: Array<{ id: string; type: number; allow: bigint; deny: bigint }>;
  /** Threads only (`thread_metadata`). */
  archived: boolean;
  locked: boolean;
}

/** Internal view of a guild member. */
export interface MemberModel {
  userId: string;
  nick: string | null;
  roles: string[];
  permissionsOverride: bigint | null;
  joinedAt: string;
}

/** Internal view of a guild. */
export interface GuildModel {
  id: string;
  name: string;
  ownerId: string;
  locale: string;
  joinedAt: string;
  systemChannelId: string | null;
  channels: Map<string, ChannelModel>;
  roles: Map<string, RoleModel>;
  members: Map<string, MemberModel>;
}

/** Every permission bit Discord defines (what Administrator and ownership grant). */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What a new server's `@everyone` role allows. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak;

/** Parses a permission input (bigint or decimal string). */
export function toPermissions(input: PermissionsInput | undefined, fallback = 0n): bigint {
  if (input === undefined) return fallback;
  return typeof input === 'bigint' ? input : BigInt(input);
}

/** A user from a user or member config. */
export function userFromConfig(config: FakeUserConfig | FakeMemberConfig): UserModel {
  const id = 'userId' in config ? config.userId : config.id;
  return { id, username: config.username, globalName: config.globalName ?? null, bot: config.bot ?? false };
}

/** A member from its config. */
export function memberFromConfig(config: FakeMemberConfig, joinedAt: string): MemberModel {
  return {
    userId: config.userId,
    nick: config.nick ?? null,
    roles: [...(config.roles ?? [])],
    permissionsOverride: config.permissions === undefined ? null : toPermissions(config.permissions),
    joinedAt,
  };
}

/** A channel of `guildId` from its config. */
export function channelFromConfig(
  guildId: string,
  config: FakeChannelConfig,
  position: number,
): ChannelModel {
  return {
    id: config.id,
    guildId,
    name: config.name,
    type: config.type ?? ChannelType.GuildText,
    parentId: config.parentId ?? null,
    topic: config.topic ?? null,
    position,
    overwrites: (config.permissionOverwrites ?? []).map((o) => ({
      id: o.id,
      type: o.type ?? 0,
      allow: toPermissions(o.allow),
      deny: toPermissions(o.deny),
    })),
    archived: config.archived ?? false,
    locked: config.locked ?? false,
  };
}

/** Normalises a guild config: adds `@everyone` when missing and the bot's own member. */
export function guildFromConfig(config: FakeGuildConfig, botUserId: string): GuildModel {
  const joinedAt = new Date().toISOString();
  const roles = new Map<string, RoleModel>();
  if (!config.roles?.some((role) => role.id === config.id)) {
    roles.set(config.id, {
      id: config.id,
      name: '@everyone',
      permissions: DEFAULT_EVERYONE_PERMISSIONS,
      position: 0,
      managed: false,
    });
  }
  (config.roles ?? []).forEach((role, index) => {
    const everyone = role.id === config.id;
    roles.set(role.id, {
      id: role.id,
      name: everyone ? '@everyone' : role.name,
      permissions: toPermissions(role.permissions, everyone ? DEFAULT_EVERYONE_PERMISSIONS : 0n),
      position: role.position ?? (everyone ? 0 : index + 1),
      managed: false,
    });
  });
  const channels = new Map<string, ChannelModel>();
  (config.channels ?? []).forEach((channel, position) => {
    channels.set(channel.id, channelFromConfig(config.id, channel, position));
  });
  const members = new Map<string, MemberModel>();
  for (const member of config.members ?? []) members.set(member.userId, memberFromConfig(member, joinedAt));
  if (!members.has(botUserId)) {
    members.set(botUserId, {
      userId: botUserId,
      nick: null,
      roles: [...(config.botRoles ?? [])],
      permissionsOverride: null,
      joinedAt,
    });
  }
  const ownerId = config.ownerId ?? config.members?.[0]?.userId ?? botUserId;
  return {
    id: config.id,
    name: config.name,
    ownerId,
    locale: config.locale ?? 'en-US',
    joinedAt,
    systemChannelId: config.systemChannelId ?? null,
    channels,
    roles,
    members,
  };
}

/** Guild-level permissions of a member: `@everyone` | roles; owner or Administrator → all. */
export function basePermissions(guild: GuildModel, member: MemberModel): bigint {
  if (guild.ownerId === member.userId) return ALL_PERMISSIONS;
  let permissions = guild.roles.get(guild.id)?.permissions ?? 0n;
  for (const roleId of member.roles) permissions |= guild.roles.get(roleId)?.permissions ?? 0n;
  return (permissions & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : permissions;
}

/** The permissions an interaction carries for a member: the override when configured, else the base ones. */
export function interactionPermissions(guild: GuildModel, member: MemberModel): bigint {
  return member.permissionsOverride ?? basePermissions(guild, member);
}
