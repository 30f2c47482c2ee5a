import type { ApiKey } from './domain/api-key';

/** Storage of guild API keys (hashes only). */
export abstract class ApiKeyRepository {
  abstract insert(key: ApiKey): Promise<void>;
  abstract findById(id: string): Promise<ApiKey | null>;
  abstract findBySecretHash(secretHash: string): Promise<ApiKey | null>;
  /** The guild's keys that are not revoked, oldest first. */
  abstract listActive(guildId: string): Promise<ApiKey[]>;
  /** Revokes the key if it belongs to the guild and is active; returns it as stored after the call, or null. */
  abstract revoke(guildId: string, id: string, at: Date): Promise<ApiKey | null>;
  abstract touch(id: string, at: Date): Promise<void>;
}
