import type { Request, Response } from 'express';
import type { MemberRole } from '../../config';
import type { AccessTokenService } from '../access-token.service';
import { authErrors } from '../auth.errors';
import type { Principal } from '../domain/principal';

/** A request after authentication: the guards put the verified caller here. */
export type AuthenticatedRequest = Request & { principal?: Principal };

const RANK: Record<MemberRole, number> = { viewer: 0, moderator: 1, admin: 2 };

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or null. */
export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * Verifies the bearer token once per request and caches the principal on it. 401s carry a
 * `WWW-Authenticate` challenge as RFC 6750 asks.
 */
export async function authenticateRequest(
  req: AuthenticatedRequest,
  res: Response,
  tokens: AccessTokenService,
): Promise<Principal> {
  if (req.principal) return req.principal;
  const token = bearerToken(req);
  if (!token) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="kaltura-discord"');
    throw authErrors.required();
  }
  try {
    req.principal = await tokens.authenticate(token);
  } catch (err) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="kaltura-discord", error="invalid_token"');
    throw err;
  }
  return req.principal;
}

/**
 * The caller's role in the guild, or 403: not covered by the token, below `minimum`, or an API key where a
 * Discord user is needed.
 */
export function requireGuildRole(
  principal: Principal,
  guildId: string | undefined,
  minimum: MemberRole,
  userOnly = false,
): MemberRole {
  const role =
    guildId !== undefined && Object.hasOwn(principal.guilds, guildId) ? principal.guilds[guildId] : undefined;
  if (!role) throw authErrors.guildForbidden();
  if (RANK[role] < RANK[minimum]) throw authErrors.insufficientRole(minimum);
  if (userOnly && principal.kind !== 'user') throw authErrors.userRequired('This action');
  return role;
}
