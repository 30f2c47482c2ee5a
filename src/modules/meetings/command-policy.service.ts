import { Injectable, Optional } from '@nestjs/common';
import { ForbiddenError } from '../../platform/errors';
import { GuildConfigService } from '../config';
import type { MeetingActor } from './domain/meeting';
import { CommandMember, MeetingCommand, commandRefusal } from './domain/command-policy';

/** Refusal of a command by the guild's configuration: 403 problem+json over REST, an ephemeral reply in Discord. */
export class CommandForbiddenError extends ForbiddenError {
  constructor(reason: string) {
    super('COMMAND_FORBIDDEN', reason);
  }
}

/** A guild member's Discord roles, as the bot sees them now (null: not a member). Bound to auth's Discord client. */
export abstract class GuildMemberDirectory {
  abstract memberFacts(
    guildId: string,
    userId: string,
  ): Promise<{ roleIds: string[]; roleNames?: string[]; canManageGuild: boolean } | null>;
}

/**
 * The guild's command rules, enforced by the meeting use cases themselves so that a slash command, a button and
 * a REST call obey the same rules (`commandRefusal`). Throws `CommandForbiddenError` with the reason.
 */
@Injectable()
export class MeetingCommandPolicy {
  constructor(
    private readonly config: GuildConfigService,
    @Optional() private readonly members?: GuildMemberDirectory,
  ) {}

  async check(guildId: string, command: MeetingCommand, actor: MeetingActor): Promise<void> {
    const config = await this.config.get(guildId);
    const access = actor.access;
    let refusal: string | null;
    if (access?.via === 'api-key') {
      refusal = commandRefusal(config, command, { guildId, apiKeyRole: actor.role });
    } else if (access?.via === 'discord') {
      refusal = commandRefusal(config, command, { guildId, ...access });
    } else {
      // A REST user (or a caller that said nothing): decide without roles first; only a role list that refuses
      // a roleless member needs their real roles, looked up with the bot.
      const roleless: CommandMember = { guildId, roleIds: [], roleNames: [], canManageGuild: false };
      refusal = commandRefusal(config, command, roleless);
      if (refusal && access?.via === 'rest-user' && config.commands.enabled) {
        const facts = this.members ? await this.members.memberFacts(guildId, actor.userId) : null;
        refusal = facts
          ? commandRefusal(config, command, {
              guildId,
              roleIds: facts.roleIds,
              roleNames: facts.roleNames ?? [],
              canManageGuild: facts.canManageGuild,
            })
          : `You don't have a role that may use /${command} in this server.`;
      }
    }
    if (refusal) throw new CommandForbiddenError(refusal);
  }
}
