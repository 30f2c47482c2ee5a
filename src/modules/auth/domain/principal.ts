import type { MemberRole } from '../../config';

/** Guild id → the caller's role in that guild, as resolved when the token was issued. */
export type GuildScopes = Record<string, MemberRole>;

/** Who an access token speaks for: a Discord user who signed in, or a guild API key. */
export type PrincipalKind = 'user' | 'api_key';

/**
 * The authenticated caller of a REST request, read from a verified access token. Guards attach it to the
 * request; handlers take it with `@CurrentPrincipal()`.
 */
export interface Principal {
  kind: PrincipalKind;
  /** Discord user id (`kind: 'user'`) or API key id (`kind: 'api_key'`). */
  subject: string;
  /** Discord display name, or the API key's name. */
  displayName: string;
  guilds: GuildScopes;
  /** The token's `jti`. */
  tokenId: string;
  expiresAt: Date;
}

/** Claims of an access JWT besides the registered ones (`iss`, `aud`, `sub`, `exp`, `iat`, `jti`). */
export interface AccessClaims {
  typ: PrincipalKind;
  name: string;
  guilds: GuildScopes;
}

const MEMBER_ROLES: readonly string[] = ['admin', 'moderator', 'viewer'];

/** True for a plain object mapping snowflakes to roles (claims are re-checked after signature checks). */
export function isGuildScopes(value: unknown): value is GuildScopes {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([id, role]) => SNOWFLAKE.test(id) && MEMBER_ROLES.includes(role as string),
  );
}

/** Discord ids: 17–20 digits. */
export const SNOWFLAKE = /^\d{17,20}$/;
