import {
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from '../../platform/errors';

/** Error codes of the auth module, as they appear in problem+json `code`. */
export const AUTH_ERROR_CODES = {
  /** 401: no bearer token on a route that needs one. */
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  /** 401: the token is malformed, forged, for another audience, or its API key was revoked. */
  INVALID_TOKEN: 'INVALID_TOKEN',
  /** 401: the access token has expired; use the refresh token. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** 403: the token does not cover the guild in the path. */
  GUILD_FORBIDDEN: 'GUILD_FORBIDDEN',
  /** 403: the caller's role in the guild is too low for this route. */
  INSUFFICIENT_ROLE: 'INSUFFICIENT_ROLE',
  /** 403: the route needs a signed-in Discord user, not an API key. */
  USER_TOKEN_REQUIRED: 'USER_TOKEN_REQUIRED',
  /** 401: the authorization code, API key or refresh token is invalid, expired or used. */
  INVALID_GRANT: 'INVALID_GRANT',
  /** 401: a refresh token was presented twice; its whole sign-in session is now revoked. */
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  /** 400: the grant type is not enabled on this server (Discord login not configured). */
  UNSUPPORTED_GRANT_TYPE: 'UNSUPPORTED_GRANT_TYPE',
  /** 403: the Discord user is not a member of a requested guild (or the bot is not in it). */
  NOT_GUILD_MEMBER: 'NOT_GUILD_MEMBER',
  /** 503: Discord could not be reached or refused the service's own credentials. */
  DISCORD_UNAVAILABLE: 'DISCORD_UNAVAILABLE',
  /** 404: no such active API key in this guild. */
  API_KEY_NOT_FOUND: 'API_KEY_NOT_FOUND',
} as const;

const C = AUTH_ERROR_CODES;

export const authErrors = {
  required: () => new UnauthorizedError(C.AUTH_REQUIRED, 'A bearer access token is required.'),
  invalidToken: () => new UnauthorizedError(C.INVALID_TOKEN, 'The access token is not valid.'),
  expired: () => new UnauthorizedError(C.TOKEN_EXPIRED, 'The access token has expired; refresh it.'),
  guildForbidden: () =>
    new ForbiddenError(C.GUILD_FORBIDDEN, 'Your token does not give access to this guild.'),
  insufficientRole: (needed: string) =>
    new ForbiddenError(C.INSUFFICIENT_ROLE, `This action needs the ${needed} role in this guild.`),
  userRequired: (what: string) =>
    new ForbiddenError(C.USER_TOKEN_REQUIRED, `${what} needs a signed-in Discord user, not an API key.`),
  invalidGrant: (what: string) =>
    new UnauthorizedError(C.INVALID_GRANT, `The ${what} is invalid or expired.`),
  refreshReused: () =>
    new UnauthorizedError(
      C.REFRESH_TOKEN_REUSED,
      'This refresh token was already used. The session has been revoked for safety; sign in again.',
    ),
  unsupportedGrant: (detail: string) => new DomainError(C.UNSUPPORTED_GRANT_TYPE, detail, 400),
  notGuildMember: () =>
    new ForbiddenError(
      C.NOT_GUILD_MEMBER,
      'You are not a member of a requested guild, or the bot is not in it.',
    ),
  discordUnavailable: (retryAfterSeconds?: number) =>
    new UnavailableError(
      C.DISCORD_UNAVAILABLE,
      'Discord cannot be reached right now. Try again shortly.',
      retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined,
    ),
  apiKeyNotFound: () =>
    new NotFoundError(C.API_KEY_NOT_FOUND, 'No active API key with this id in this guild.'),
};
