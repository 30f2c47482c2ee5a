import { Injectable, Logger } from '@nestjs/common';
import { REFRESH_TOKEN_TTL_SECONDS } from './auth.constants';
import { authErrors } from './auth.errors';
import { RefreshTokenRecord, generateRefreshToken, looksLikeRefreshToken } from './domain/refresh-token';
import { sha256Hex } from './domain/secrets';
import { RefreshTokenRepository } from './refresh-token.port';

/** A refresh token handed to a client. */
export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

/**
 * Opaque refresh tokens, stored as SHA-256 hashes, rotated on every use. A token presented after it was used
 * (it leaked, or a client replayed it) revokes its whole family: the thief and the victim both sign in again.
 */
@Injectable()
export class RefreshTokenService {
  private readonly logger = new Logger('auth');

  constructor(private readonly tokens: RefreshTokenRepository) {}

  /** Issues a token, starting a new family unless `familyId` is given. */
  async issue(input: {
    subject: string;
    guildIds: string[];
    familyId?: string;
  }): Promise<IssuedRefreshToken> {
    const { record, plaintext } = generateRefreshToken({
      ...input,
      now: new Date(),
      ttlSeconds: REFRESH_TOKEN_TTL_SECONDS,
    });
    await this.tokens.insert(record);
    return { token: plaintext, expiresAt: record.expiresAt };
  }

  /**
   * The stored record of a presented token that may be rotated. Throws 401 for unknown, expired or revoked
   * tokens; for a used one it revokes the family first.
   */
  async check(presented: string): Promise<RefreshTokenRecord> {
    if (!looksLikeRefreshToken(presented)) throw authErrors.invalidGrant('refresh token');
    const record = await this.tokens.findByHash(sha256Hex(presented));
    if (!record || record.revokedAt !== null || record.expiresAt.getTime() <= Date.now()) {
      throw authErrors.invalidGrant('refresh token');
    }
    if (record.usedAt !== null) await this.reused(record);
    return record;
  }

  /**
   * Rotates a checked token: marks it used (atomically, so of two concurrent uses only one wins) and issues its
   * successor in the same family.
   */
  async rotate(record: RefreshTokenRecord, guildIds: string[]): Promise<IssuedRefreshToken> {
    if (!(await this.tokens.markUsed(record.id, new Date()))) await this.reused(record);
    return this.issue({ subject: record.subject, guildIds, familyId: record.familyId });
  }

  private async reused(record: RefreshTokenRecord): Promise<never> {
    const revoked = await this.tokens.revokeFamily(record.familyId, new Date());
    // Who and which family, never the token: enough to investigate a theft.
    this.logger.warn(
      { subject: record.subject, family: record.familyId, revoked },
      'Refresh token reuse detected',
    );
    throw authErrors.refreshReused();
  }
}
