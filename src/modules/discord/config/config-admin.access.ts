import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '../../../platform/errors';
import type { ConfigActor } from '../../config';
import { CommandAccessService, type AuthorizedMember } from '../interaction/command-access.service';
import type { GuildInteraction } from '../interaction/member-facts';

/** A member who is not an admin of the guild tried a config command (403, ephemeral). */
export class ConfigAdminOnlyError extends ForbiddenError {
  constructor() {
    super(
      'CONFIG_ADMIN_ONLY',
      'Only server admins can manage the Kaltura settings: members with Manage Server, or a role mapped to admin.',
    );
  }
}

/**
 * The config commands are for admins only: Administrator or Manage Server permission, or a Discord role the
 * guild maps to `admin` (via the auth module's role mapping). Checked in code: the commands' default
 * `default_member_permissions` (Manage Server) only decides who sees them, and guild admins can change it.
 */
@Injectable()
export class ConfigAdminAccess {
  constructor(private readonly access: CommandAccessService) {}

  /** The admin behind the interaction; throws `ConfigAdminOnlyError` (or the command-level refusals). */
  async authorize(interaction: GuildInteraction, command: string): Promise<AuthorizedMember> {
    const member = await this.access.authorize(interaction, command);
    if (member.role !== 'admin') throw new ConfigAdminOnlyError();
    return member;
  }

  /** Same check without throwing (autocomplete must answer, even with nothing). */
  async isAdmin(interaction: GuildInteraction, command: string): Promise<boolean> {
    try {
      await this.authorize(interaction, command);
      return true;
    } catch {
      return false;
    }
  }
}

/** The audit trail's view of a Discord admin. */
export function discordActor(member: AuthorizedMember): ConfigActor {
  return { kind: 'discord', id: member.facts.userId, name: member.facts.displayName };
}
