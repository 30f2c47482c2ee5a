import type { RefreshTokenRecord } from '../domain/refresh-token';
import { RefreshTokenRepository } from '../refresh-token.port';

/** In-process refresh tokens (development and tests; one replica only). Expired tokens are invisible and dropped lazily. */
export class MemoryRefreshTokenRepository extends RefreshTokenRepository {
  private readonly rows = new Map<string, RefreshTokenRecord>();

  async insert(record: RefreshTokenRecord): Promise<void> {
    this.prune();
    if (this.rows.has(record.id)) throw new Error(`refresh token ${record.id} already exists`);
    this.rows.set(record.id, structuredClone(record));
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    for (const row of this.rows.values()) {
      if (row.tokenHash === tokenHash)
        return row.expiresAt.getTime() > Date.now() ? structuredClone(row) : null;
    }
    return null;
  }

  async markUsed(id: string, at: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.usedAt !== null || row.revokedAt !== null) return false;
    this.rows.set(id, { ...row, usedAt: at });
    return true;
  }

  async revokeFamily(familyId: string, at: Date): Promise<number> {
    let count = 0;
    for (const [id, row] of this.rows) {
      if (row.familyId !== familyId || row.revokedAt !== null) continue;
      this.rows.set(id, { ...row, revokedAt: at });
      count++;
    }
    return count;
  }

  /** Mirrors the Mongo TTL index: a token past its expiry is gone. */
  private prune(): void {
    const now = Date.now();
    for (const [id, row] of this.rows) if (row.expiresAt.getTime() <= now) this.rows.delete(id);
  }
}
