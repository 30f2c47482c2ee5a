import { Injectable } from '@nestjs/common';
import { AccessTokenService, IdentityService, IssuedAccessToken, RoleMappingService } from '../auth';
import type { MemberRole } from '../config';
import { TRIAL_GUILD_ID, TRIAL_MEMBERS, TrialMemberName } from './trial.world';

export interface TrialGrant {
  access: IssuedAccessToken;
  memberId: string;
  displayName: string;
  role: MemberRole;
}

/**
 * The trial's sign-in: what `grant_type=discord_code` does after Discord has named the user and the bot has read
 * their guild facts (identity, role mapping, access token), with the demo member's facts in place of Discord's
 * answers. Mounted only in trial mode (`Settings.trial`); no refresh token (sign in again).
 */
@Injectable()
export class TrialSignIn {
  constructor(
    private readonly roles: RoleMappingService,
    private readonly identities: IdentityService,
    private readonly access: AccessTokenService,
  ) {}

  async signIn(name: TrialMemberName): Promise<TrialGrant> {
    const member = TRIAL_MEMBERS[name];
    const role = await this.roles.resolve(TRIAL_GUILD_ID, member.facts);
    await this.identities.ensureKalturaUserQuietly({ id: member.id, displayName: member.displayName });
    const access = this.access.issue({
      kind: 'user',
      subject: member.id,
      displayName: member.displayName,
      guilds: { [TRIAL_GUILD_ID]: role },
    });
    return { access, memberId: member.id, displayName: member.displayName, role };
  }
}
