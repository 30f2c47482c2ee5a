import { randomId, randomSecret, sha256Hex } from './secrets';

/** Refresh tokens carry this prefix so they cannot be confused with API keys or JWTs. */
export const REFRESH_TOKEN_PREFIX = 'kd_rt_';
const REFRESH_TOKEN_SHAPE = /^kd_rt_[A-Za-z0-9_-]{43}$/;

/**
 * One refresh token of a sign-in session ("family"). Each use rotates it: the used token is marked, a new one
 * joins the family. Presenting a used token again means it leaked, so the whole family is revoked.
 */
export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  /** SHA-256 (hex) of the token. */
  tokenHash: string;
  /** Discord user id. */
  subject: string;
  /** Guilds the sign-in asked for; roles are looked up again on every refresh. */
  guildIds: string[];
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** A new token for a family: the record to store and the plaintext for the client. */
export function generateRefreshToken(input: {
  familyId?: string;
  subject: string;
  guildIds: string[];
  now: Date;
  ttlSeconds: number;
}): { record: RefreshTokenRecord; plaintext: string } {
  const plaintext = `${REFRESH_TOKEN_PREFIX}${randomSecret(32)}`;
  return {
    plaintext,
    record: {
      id: randomId(12),
      familyId: input.familyId ?? randomId(12),
      tokenHash: sha256Hex(plaintext),
      subject: input.subject,
      guildIds: [...input.guildIds],
      issuedAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.ttlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
    },
  };
}

export function looksLikeRefreshToken(value: string): boolean {
  return REFRESH_TOKEN_SHAPE.test(value);
}
