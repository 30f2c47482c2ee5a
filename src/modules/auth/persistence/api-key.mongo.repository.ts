import type { Connection } from 'mongoose';
import { ApiKeyRepository } from '../api-key.port';
import type { ApiKey } from '../domain/api-key';
import { AuthCollection } from './mongo-collection';

type ApiKeyDoc = Omit<ApiKey, 'id'> & { _id: string };

const toKey = ({ _id, ...rest }: ApiKeyDoc): ApiKey => ({ id: _id, ...rest });

/** API keys in MongoDB (`auth_api_keys`); only hashes are stored. */
export class MongoApiKeyRepository extends ApiKeyRepository {
  private readonly docs: AuthCollection<ApiKeyDoc>;

  constructor(connection: Connection) {
    super();
    this.docs = new AuthCollection<ApiKeyDoc>(connection, 'auth_api_keys', [
      { key: { secretHash: 1 }, name: 'secretHash', unique: true },
      { key: { guildId: 1, revokedAt: 1, createdAt: 1 }, name: 'guild_active' },
    ]);
  }

  async insert(key: ApiKey): Promise<void> {
    const { id, ...rest } = key;
    await (await this.docs.get()).insertOne({ _id: id, ...rest });
  }

  async findById(id: string): Promise<ApiKey | null> {
    const doc = await (await this.docs.get()).findOne({ _id: id });
    return doc ? toKey(doc) : null;
  }

  async findBySecretHash(secretHash: string): Promise<ApiKey | null> {
    const doc = await (await this.docs.get()).findOne({ secretHash });
    return doc ? toKey(doc) : null;
  }

  async listActive(guildId: string): Promise<ApiKey[]> {
    const docs = await (
      await this.docs.get()
    )
      .find({ guildId, revokedAt: null })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return docs.map(toKey);
  }

  async revoke(guildId: string, id: string, at: Date): Promise<ApiKey | null> {
    const doc = await (
      await this.docs.get()
    ).findOneAndUpdate(
      { _id: id, guildId, revokedAt: null },
      { $set: { revokedAt: at } },
      { returnDocument: 'after' },
    );
    return doc ? toKey(doc) : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    await (await this.docs.get()).updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }
}
