import { Injectable, Logger } from '@nestjs/common';
import { ConflictError } from '../../platform/errors';
import type { MemberRole } from '../config';
import { ApiKeyRepository } from './api-key.port';
import { authErrors } from './auth.errors';
import { ApiKey, generateApiKey, looksLikeApiKey } from './domain/api-key';
import { sha256Hex } from './domain/secrets';

/** Active keys a guild may hold at once: enough for real integrations, bounded against runaway scripts. */
export const MAX_ACTIVE_API_KEYS = 25;

/** Guild-scoped API keys: created by guild admins, shown once, stored hashed, listable and revocable. */
@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger('auth');

  constructor(private readonly keys: ApiKeyRepository) {}

  /** Creates a key; the plaintext is returned here and never again. */
  async create(input: {
    guildId: string;
    name: string;
    role: MemberRole;
    createdBy: string;
  }): Promise<{ key: ApiKey; plaintext: string }> {
    const active = await this.keys.listActive(input.guildId);
    if (active.length >= MAX_ACTIVE_API_KEYS) {
      throw new ConflictError(
        'API_KEY_LIMIT',
        `A guild can hold at most ${MAX_ACTIVE_API_KEYS} active API keys; revoke one first.`,
      );
    }
    const { record, plaintext } = generateApiKey({ ...input, now: new Date() });
    await this.keys.insert(record);
    this.logger.log({ guildId: input.guildId, keyId: record.id, role: record.role }, 'API key created');
    return { key: record, plaintext };
  }

  list(guildId: string): Promise<ApiKey[]> {
    return this.keys.listActive(guildId);
  }

  async revoke(guildId: string, id: string): Promise<ApiKey> {
    const key = await this.keys.revoke(guildId, id, new Date());
    if (!key) throw authErrors.apiKeyNotFound();
    this.logger.log({ guildId, keyId: id }, 'API key revoked');
    return key;
  }

  /** The active key behind a presented plaintext key, or 401. */
  async authenticate(presented: string): Promise<ApiKey> {
    if (!looksLikeApiKey(presented)) throw authErrors.invalidGrant('API key');
    const key = await this.keys.findBySecretHash(sha256Hex(presented));
    if (!key || key.revokedAt !== null) throw authErrors.invalidGrant('API key');
    const now = new Date();
    await this.keys.touch(key.id, now);
    return { ...key, lastUsedAt: now };
  }
}
