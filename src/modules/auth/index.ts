/** The auth module's public surface: import from here only. */
export {
  ApiProblem,
  AuthRateLimit,
  Authenticated,
  CurrentPrincipal,
  GuildAdmin,
  GuildMember,
  PROBLEM_SCHEMA,
  RateLimited,
  WebhookRateLimit,
} from './guards/auth.decorators';
export { ApiTokenGuard, GuildAccessGuard, GuildAdminGuard } from './guards/auth.guards';
export { ApiThrottlerGuard } from './guards/api-throttler.guard';
export type { AuthenticatedRequest } from './guards/request-auth';
export { requireGuildRole } from './guards/request-auth';
export type { GuildScopes, Principal, PrincipalKind } from './domain/principal';
export type { Identity } from './domain/identity';
export type { ApiKey } from './domain/api-key';
export { kalturaUserIdFor } from './domain/identity';
export { AUTH_ERROR_CODES } from './auth.errors';
export {
  JWT_AUDIENCE,
  JWT_ISSUER,
  MAX_GUILDS_PER_TOKEN,
  RATE_LIMITS,
  REFRESH_TOKEN_TTL_SECONDS,
} from './auth.constants';
export { RoleMappingService, highestRole } from './role-mapping.service';
export type { GuildMemberFacts } from './role-mapping.service';
export { IdentityService } from './identity.service';
export { AccessTokenService } from './access-token.service';
export type { IssuedAccessToken } from './access-token.service';
export { ApiKeyService, MAX_ACTIVE_API_KEYS } from './api-key.service';
export { TokenService } from './token.service';
export { DiscordOAuthClient } from './discord-oauth.client';
export type { TokenGrant } from './token.service';
export { AuthModule } from './auth.module';
