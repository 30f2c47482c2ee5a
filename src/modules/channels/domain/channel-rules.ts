import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';

/**
 * Channel types the service posts in: text (0), announcement (5) and threads (10, 11, 12). Voice and stage
 * channels have a text chat, but it is tied to a call and hidden from members who are not in it: a meeting's
 * messages do not belong there. Categories, forums, media channels and directories cannot hold messages at all.
 */
export const POSTABLE_CHANNEL_TYPES: ReadonlySet<number> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
]);

export const THREAD_CHANNEL_TYPES: ReadonlySet<number> = new Set([
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
]);

/** Why a channel cannot be used. */
export type ChannelRefusal =
  /** No such channel (or deleted). */
  | 'unknown'
  /** The channel belongs to another guild. */
  | 'other_guild'
  /** Not a text channel, announcement channel or thread. */
  | 'wrong_type'
  /** The bot cannot see it (View Channel), or Discord refuses the bot access (50001). */
  | 'no_access'
  /** The bot can see it but not post (Send Messages; in threads Send Messages in Threads). */
  | 'missing_permissions'
  /** An archived, locked thread: only members with Manage Threads may post (which unarchives it). */
  | 'thread_locked';

/** A permission overwrite as Discord sends it (`allow` / `deny` are decimal strings). */
export interface OverwriteFacts {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

/** What the permission computation needs from a guild and the bot's member. */
export interface PermissionFacts {
  guildId: string;
  ownerId: string;
  /** Role id → permissions (decimal string), `@everyone` (id = guild id) included. */
  rolePermissions: Record<string, string>;
  botUserId: string;
  botRoleIds: string[];
  /** Overwrites of the channel (of the parent channel for a thread: threads inherit them). */
  overwrites: OverwriteFacts[];
}

const ALL = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);
const big = (value: string | undefined): bigint => {
  try {
    return BigInt(value ?? '0');
  } catch {
    return 0n;
  }
};

/**
 * The bot's permissions in a channel, as discord-api-docs (topics/permissions, "Permission Overwrites") computes
 * them: base = `@everyone` | roles (owner or ADMINISTRATOR → all); then the `@everyone` overwrite, the roles'
 * overwrites (all denies, then all allows), the member's own overwrite. ADMINISTRATOR skips overwrites.
 */
export function computeChannelPermissions(facts: PermissionFacts): bigint {
  if (facts.ownerId === facts.botUserId) return ALL;
  let base = big(facts.rolePermissions[facts.guildId]);
  for (const roleId of facts.botRoleIds) base |= big(facts.rolePermissions[roleId]);
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL;
  let permissions = base;
  const everyone = facts.overwrites.find((o) => o.id === facts.guildId);
  if (everyone) permissions = (permissions & ~big(everyone.deny)) | big(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of facts.overwrites) {
    if (o.type === OverwriteType.Role && o.id !== facts.guildId && facts.botRoleIds.includes(o.id)) {
      allow |= big(o.allow);
      deny |= big(o.deny);
    }
  }
  permissions = (permissions & ~deny) | allow;
  const own = facts.overwrites.find((o) => o.type === OverwriteType.Member && o.id === facts.botUserId);
  if (own) permissions = (permissions & ~big(own.deny)) | big(own.allow);
  return permissions;
}

/**
 * Judges a channel of `guildId` from its owner guild, type and the bot's permissions in it: null when the
 * service may post there. View Channel is checked first: without it Discord grants nothing else in the channel.
 */
export function judgeChannel(
  guildId: string,
  channel: { guildId: string | null; type: number },
  permissions: bigint,
): ChannelRefusal | null {
  if (channel.guildId !== guildId) return 'other_guild';
  if (!POSTABLE_CHANNEL_TYPES.has(channel.type)) return 'wrong_type';
  if ((permissions & PermissionFlagsBits.ViewChannel) === 0n) return 'no_access';
  const send = THREAD_CHANNEL_TYPES.has(channel.type)
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
  return (permissions & send) === 0n ? 'missing_permissions' : null;
}

/** A sentence for each refusal, naming the channel (users read it in problem details and ephemeral replies). */
export function refusalMessage(channel: string, reason: ChannelRefusal): string {
  const name = channel.length > 100 ? `${channel.slice(0, 100)}…` : channel;
  switch (reason) {
    case 'unknown':
      return `Channel ${name} does not exist in this server.`;
    case 'other_guild':
      return `Channel ${name} is not a channel of this server.`;
    case 'wrong_type':
      return `Channel ${name} is not a text channel, announcement channel or thread.`;
    case 'no_access':
      return `The bot cannot see channel ${name} (it needs View Channel there).`;
    case 'missing_permissions':
      return `The bot cannot post in channel ${name} (it needs Send Messages there; in threads Send Messages in Threads).`;
    case 'thread_locked':
      return `Thread ${name} is archived and locked: the bot cannot post in it (a moderator can unlock it, or give the bot Manage Threads).`;
  }
}
