import { Injectable } from '@nestjs/common';
import { AccessTokenService, IssuedAccessToken } from './access-token.service';
import { ApiKeyService } from './api-key.service';
import { authErrors } from './auth.errors';
import { DiscordOAuthClient } from './discord-oauth.client';
import type { GuildScopes, PrincipalKind } from './domain/principal';
import { IdentityService } from './identity.service';
import { RefreshTokenService } from './refresh-token.service';
import { RoleMappingService } from './role-mapping.service';

/** The outcome of a token grant: an access token, a refresh token for users, and what the token allows. */
export interface TokenGrant {
  access: IssuedAccessToken;
  refresh?: { token: string; expiresAt: Date };
  kind: PrincipalKind;
  subject: string;
  displayName: string;
  guilds: GuildScopes;
}

/**
 * The grants of `POST /auth/token` and `POST /auth/refresh`. Identity and roles always come from Discord (the
 * code exchange, then the bot's view of each guild) or from a stored API key, never from what the caller
 * claims.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly discord: DiscordOAuthClient,
    private readonly roles: RoleMappingService,
    private readonly access: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly apiKeys: ApiKeyService,
    private readonly identities: IdentityService,
  ) {}

  /** `grant_type=discord_code`: a Discord OAuth2 authorization code, plus the guilds the token should cover. */
  async exchangeDiscordCode(input: {
    code: string;
    redirectUri?: string;
    guildIds: string[];
  }): Promise<TokenGrant> {
    if (!this.discord.loginEnabled) {
      throw authErrors.unsupportedGrant(
        `Discord login is not configured on this server: ${this.discord.missingSettings.join(' and ')} ${
          this.discord.missingSettings.length > 1 ? 'are' : 'is'
        } not set.`,
      );
    }
    const discordToken = await this.discord.exchangeCode(input.code, input.redirectUri);
    const user = await this.discord.currentUser(discordToken);
    const guilds = await this.resolveGuilds(user.id, input.guildIds, 'refuse');
    await this.identities.ensureKalturaUserQuietly({ id: user.id, displayName: user.displayName });
    const refresh = await this.refreshTokens.issue({ subject: user.id, guildIds: Object.keys(guilds) });
    return this.grant('user', user.id, user.displayName, guilds, refresh);
  }

  /** `grant_type=api_key`: a guild API key; no refresh token (present the key again). */
  async exchangeApiKey(presented: string): Promise<TokenGrant> {
    const key = await this.apiKeys.authenticate(presented);
    return this.grant('api_key', key.id, key.name, { [key.guildId]: key.role });
  }

  /**
   * Rotates a refresh token. Roles are looked up again, so a demotion or a departure from a guild takes effect
   * at the next refresh at the latest; guilds the user has left are dropped.
   */
  async refresh(presented: string): Promise<TokenGrant> {
    const record = await this.refreshTokens.check(presented);
    const identity = await this.identities.get(record.subject);
    if (!identity) throw authErrors.invalidGrant('refresh token');
    const guilds = await this.resolveGuilds(record.subject, record.guildIds, 'drop');
    const refresh = await this.refreshTokens.rotate(record, Object.keys(guilds));
    await this.identities.recordSeen({ id: identity.discordUserId, displayName: identity.displayName });
    return this.grant('user', record.subject, identity.displayName, guilds, refresh);
  }

  private async resolveGuilds(
    userId: string,
    guildIds: string[],
    missing: 'refuse' | 'drop',
  ): Promise<GuildScopes> {
    const unique = [...new Set(guildIds)];
    const facts = await Promise.all(unique.map((g) => this.discord.memberFacts(g, userId)));
    const scopes: GuildScopes = {};
    for (const [i, guildId] of unique.entries()) {
      const member = facts[i];
      if (!member) {
        if (missing === 'refuse') throw authErrors.notGuildMember();
        continue;
      }
      scopes[guildId] = await this.roles.resolve(guildId, member);
    }
    return scopes;
  }

  private grant(
    kind: PrincipalKind,
    subject: string,
    displayName: string,
    guilds: GuildScopes,
    refresh?: { token: string; expiresAt: Date },
  ): TokenGrant {
    const access = this.access.issue({ kind, subject, displayName, guilds });
    return { access, refresh, kind, subject, displayName, guilds };
  }
}
