import type { RefreshTokenRecord } from './domain/refresh-token';

/** Storage of refresh tokens (hashes only). */
export abstract class RefreshTokenRepository {
  abstract insert(record: RefreshTokenRecord): Promise<void>;
  abstract findByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Marks the token used, atomically: true for exactly one caller while it is unused and unrevoked, false for
   * everyone else (two concurrent refreshes with one token: one wins, the other counts as reuse).
   */
  abstract markUsed(id: string, at: Date): Promise<boolean>;
  /** Revokes every token of the family; returns how many were newly revoked. */
  abstract revokeFamily(familyId: string, at: Date): Promise<number>;
}
