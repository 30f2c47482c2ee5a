import { Injectable } from '@nestjs/common';
import { GuildConfigService, MemberRole } from '../config';

/** What the role mapping needs to know about a guild member, whichever transport it came from. */
export interface GuildMemberFacts {
  roleIds: string[];
  /** Role names, when known, so mappings may be written by name. */
  roleNames?: string[];
  /** Administrator or Manage Guild permission (or owner of the guild). */
  canManageGuild: boolean;
}

const RANK: Record<MemberRole, number> = { viewer: 0, moderator: 1, admin: 2 };

/** The higher of two roles. */
export function highestRole(a: MemberRole, b: MemberRole): MemberRole {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Discord roles → project role: members who can manage the guild are admins; otherwise the highest role the
 * guild's `roles.mapping` gives any of their roles (by id or name); otherwise viewer. (The meeting host is
 * moderator of their own meeting: that rule belongs to the meeting, see the meetings module.)
 */
@Injectable()
export class RoleMappingService {
  constructor(private readonly config: GuildConfigService) {}

  async resolve(guildId: string, member: GuildMemberFacts): Promise<MemberRole> {
    if (member.canManageGuild) return 'admin';
    const { mapping } = (await this.config.get(guildId)).roles;
    let role: MemberRole = 'viewer';
    for (const key of [...member.roleIds, ...(member.roleNames ?? [])]) {
      // Own keys only: a role named `constructor` or `__proto__` must not reach Object.prototype.
      const mapped = Object.hasOwn(mapping, key) ? mapping[key] : undefined;
      if (mapped && Object.hasOwn(RANK, mapped)) role = highestRole(role, mapped);
    }
    return role;
  }
}
