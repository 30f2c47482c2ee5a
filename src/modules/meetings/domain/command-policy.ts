import type { GuildConfig } from '../../config';
import type { MemberFacts } from './member-facts';

/** The entry of `commands.permissions` that lets everyone in. */
export const EVERYONE = '@everyone';

/** Commands a guild can never switch off: help, and the config commands admins need to switch them back on. */
export function alwaysEnabled(command: string): boolean {
  return command === 'kaltura-help' || command.startsWith('kaltura-config-');
}

/**
 * Whether the guild's configuration lets this member use `command`; a short reason when not.
 *
 * - `commands.enabled: false` switches every command off except help and the config commands;
 * - `commands.permissions[command]` lists role ids or names (or `@everyone`); unlisted commands are open;
 * - members who can manage the server always pass the role list: they could change it anyway, and this way a
 *   guild cannot lock its own admins out.
 */
export function commandRefusal(config: GuildConfig, command: string, member: MemberFacts): string | null {
  if (!config.commands.enabled && !alwaysEnabled(command)) {
    return 'Kaltura commands are switched off in this server.';
  }
  const allowed = config.commands.permissions[command];
  if (allowed === undefined || member.canManageGuild) return null;
  if (allowed.includes(EVERYONE) || allowed.includes(member.guildId)) return null;
  const held = new Set([...member.roleIds, ...member.roleNames]);
  if (allowed.some((entry) => held.has(entry))) return null;
  return `You don't have a role that may use /${command} in this server.`;
}
