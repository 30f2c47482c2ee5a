import {
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { DomainError } from '../../../platform/errors';

/** The interactions the bot handles in guilds. */
export type GuildInteraction = ChatInputCommandInteraction | ButtonInteraction | AutocompleteInteraction;

/** What the bot knows about whoever triggered an interaction, whatever its type. */
export interface MemberFacts {
  guildId: string;
  userId: string;
  displayName: string;
  /** Role ids, without the guild's `@everyone` role. */
  roleIds: string[];
  /** Names of those roles, when the guild is cached (mappings may be written by name). */
  roleNames: string[];
  /** Administrator or Manage Server permission (in this channel, as Discord computed it). */
  canManageGuild: boolean;
}

/** Commands and buttons only make sense in a server. */
export class GuildOnlyError extends DomainError {
  constructor() {
    super('GUILD_ONLY', 'Use this in a server channel, not in direct messages.', 400);
  }
}

/** Reads member facts from an interaction (a cached `GuildMember` or the raw API member). */
export function memberFacts(interaction: GuildInteraction): MemberFacts {
  const guildId = interaction.guildId;
  const member = interaction.member;
  if (!guildId || !member) throw new GuildOnlyError();
  // The raw API member (uncached guild) has `roles: string[]`; a GuildMember has a role manager.
  const rawRoles = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  const roleIds = rawRoles.filter((id) => id !== guildId);
  const roleNames = roleIds
    .map((id) => interaction.guild?.roles.cache.get(id)?.name)
    .filter((name): name is string => typeof name === 'string');
  const displayName =
    'displayName' in member && typeof member.displayName === 'string'
      ? member.displayName
      : ((member as { nick?: string | null }).nick ??
        interaction.user.globalName ??
        interaction.user.username);
  const permissions = interaction.memberPermissions;
  return {
    guildId,
    userId: interaction.user.id,
    displayName,
    roleIds,
    roleNames,
    canManageGuild:
      !!permissions &&
      permissions.any([PermissionFlagsBits.Administrator, PermissionFlagsBits.ManageGuild], false),
  };
}
