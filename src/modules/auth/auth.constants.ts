/** `iss` of every access token this service signs, and the only issuer it accepts. */
export const JWT_ISSUER = 'kaltura-discord';
/** `aud` of access tokens: the REST API. Tokens minted for anything else are refused. */
export const JWT_AUDIENCE = 'kaltura-discord-api';
/** The one algorithm accepted: pinned so `alg: none` and key-confusion tricks cannot work. */
export const JWT_ALGORITHM = 'HS256';
/** Refresh tokens live 30 days from their last rotation. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** At most this many guilds in one sign-in: bounds the token size and the Discord lookups per sign-in. */
export const MAX_GUILDS_PER_TOKEN = 10;
/** Deadline of every call to Discord. */
export const DISCORD_TIMEOUT_MS = 5_000;

/**
 * Rate limits (per 60 s window): strict on `auth/*` (by IP), looser elsewhere (by token subject, else IP).
 * `webhook` (`POST /webhooks/kaltura`, by source address): Kaltura posts one request per event notification from
 * its batch servers, each request waiting for the answer; 600 a minute from one address is far above what a
 * partner's events produce, and what is refused (429) Kaltura retries later (docs/security.md).
 */
export const RATE_LIMITS = {
  auth: { limit: 20, ttlMs: 60_000 },
  default: { limit: 120, ttlMs: 60_000 },
  webhook: { limit: 600, ttlMs: 60_000 },
} as const;
