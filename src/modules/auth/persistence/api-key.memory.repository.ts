import { ApiKeyRepository } from '../api-key.port';
import type { ApiKey } from '../domain/api-key';

/** In-process API keys (development and tests; one replica only). */
export class MemoryApiKeyRepository extends ApiKeyRepository {
  private readonly rows = new Map<string, ApiKey>();

  async insert(key: ApiKey): Promise<void> {
    if (this.rows.has(key.id)) throw new Error(`API key ${key.id} already exists`);
    this.rows.set(key.id, structuredClone(key));
  }

  async findById(id: string): Promise<ApiKey | null> {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }

  async findBySecretHash(secretHash: string): Promise<ApiKey | null> {
    for (const row of this.rows.values()) if (row.secretHash === secretHash) return structuredClone(row);
    return null;
  }

  async listActive(guildId: string): Promise<ApiKey[]> {
    return [...this.rows.values()]
      .filter((k) => k.guildId === guildId && k.revokedAt === null)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((k) => structuredClone(k));
  }

  async revoke(guildId: string, id: string, at: Date): Promise<ApiKey | null> {
    const row = this.rows.get(id);
    if (!row || row.guildId !== guildId || row.revokedAt !== null) return null;
    const revoked = { ...row, revokedAt: at };
    this.rows.set(id, revoked);
    return structuredClone(revoked);
  }

  async touch(id: string, at: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, lastUsedAt: at });
  }
}
