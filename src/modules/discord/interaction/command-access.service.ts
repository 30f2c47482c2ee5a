import { Injectable } from '@nestjs/common';
import { RoleMappingService } from '../../auth';
import { GuildConfig, GuildConfigService } from '../../config';
import { CommandForbiddenError, commandRefusal, type MeetingActor } from '../../meetings';
import { GuildInteraction, MemberFacts, memberFacts } from './member-facts';

/** Refusal of a command by the guild's configuration (403, shown ephemerally); the meetings module's error. */
export { CommandForbiddenError };

/** A member allowed to use a command, with the project role their Discord roles map to. */
export interface AuthorizedMember extends MeetingActor {
  facts: MemberFacts;
  /** The guild's effective configuration, as the check saw it. */
  config: GuildConfig;
}

/**
 * Permission checks in code, for every command and button: Discord's `default_member_permissions` is only a
 * default that server admins can change, so the guild configuration decides. The rules are the meetings
 * module's (`commandRefusal`); the meeting use cases enforce them again for every transport, with the member's
 * Discord roles passed as `access`.
 */
@Injectable()
export class CommandAccessService {
  constructor(
    private readonly config: GuildConfigService,
    private readonly roles: RoleMappingService,
  ) {}

  /**
   * Checks that the member may use `command` (name as registered, e.g. `kaltura-start`) and resolves their role.
   * Throws `CommandForbiddenError` or `GuildOnlyError`.
   */
  async authorize(interaction: GuildInteraction, command: string): Promise<AuthorizedMember> {
    const facts = memberFacts(interaction);
    const config = await this.config.get(facts.guildId);
    const refusal = commandRefusal(config, command, facts);
    if (refusal) throw new CommandForbiddenError(refusal);
    const role = await this.roles.resolve(facts.guildId, {
      roleIds: facts.roleIds,
      roleNames: facts.roleNames,
      canManageGuild: facts.canManageGuild,
    });
    return {
      userId: facts.userId,
      displayName: facts.displayName,
      role,
      access: {
        via: 'discord',
        roleIds: facts.roleIds,
        roleNames: facts.roleNames,
        canManageGuild: facts.canManageGuild,
      },
      facts,
      config,
    };
  }
}
