import type { GuildConfig, MemberRole } from '../../config';

/** The entry of `commands.permissions` that lets everyone in. */
export const EVERYONE = '@everyone';

/** The commands whose rules the meeting use cases enforce, whatever transport calls them. */
export const MEETING_COMMANDS = {
  start: 'kaltura-start',
  join: 'kaltura-join',
  list: 'kaltura-list',
  end: 'kaltura-end',
} as const;
export type MeetingCommand = (typeof MEETING_COMMANDS)[keyof typeof MEETING_COMMANDS];

/** Commands a guild can never switch off: help, and the config commands admins need to switch them back on. */
export function alwaysEnabled(command: string): boolean {
  return command === 'kaltura-help' || command.startsWith('kaltura-config-');
}

/** A Discord member as the rules see them (from an interaction, or looked up with the bot for a REST user). */
export interface CommandMember {
  guildId: string;
  roleIds: string[];
  roleNames: string[];
  /** Administrator or Manage Server permission, or owner of the guild. */
  canManageGuild: boolean;
}

/** A guild API key: no Discord roles, only the role it was issued with. */
export interface CommandApiKey {
  guildId: string;
  apiKeyRole: MemberRole;
}

const listOf = (config: GuildConfig, command: string): readonly string[] | undefined =>
  // Own keys only: a command name is never looked up on Object.prototype.
  Object.hasOwn(config.commands.permissions, command) ? config.commands.permissions[command] : undefined;

/**
 * Whether the guild's configuration lets this caller use `command`; a short reason when not.
 *
 * - `commands.enabled: false` switches every command off except help and the config commands, for everyone;
 * - `commands.permissions[command]` lists role ids or names (or `@everyone`, or the guild id); unlisted commands
 *   are open;
 * - members who can manage the server always pass the role list: they could change it anyway, and this way a
 *   guild cannot lock its own admins out;
 * - an API key has no Discord roles: it passes a role list only when the list names `@everyone` (or the guild),
 *   or when it was issued with the `admin` role (an admin key may rewrite the list through the config routes,
 *   the same reason Manage Server passes).
 */
export function commandRefusal(
  config: GuildConfig,
  command: string,
  caller: CommandMember | CommandApiKey,
): string | null {
  if (!config.commands.enabled && !alwaysEnabled(command)) {
    return 'Kaltura commands are switched off in this server.';
  }
  const allowed = listOf(config, command);
  if (allowed === undefined) return null;
  if (allowed.includes(EVERYONE) || allowed.includes(caller.guildId)) return null;
  if ('apiKeyRole' in caller) {
    if (caller.apiKeyRole === 'admin') return null;
    return `This API key (role ${caller.apiKeyRole}) may not use /${command}: this server limits it to some Discord roles.`;
  }
  if (caller.canManageGuild) return null;
  const held = new Set([...caller.roleIds, ...caller.roleNames]);
  if (allowed.some((entry) => held.has(entry))) return null;
  return `You don't have a role that may use /${command} in this server.`;
}
