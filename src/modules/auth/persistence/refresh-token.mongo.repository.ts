import type { Connection } from 'mongoose';
import type { RefreshTokenRecord } from '../domain/refresh-token';
import { RefreshTokenRepository } from '../refresh-token.port';
import { AuthCollection } from './mongo-collection';

type RefreshTokenDoc = Omit<RefreshTokenRecord, 'id'> & { _id: string };

const toRecord = ({ _id, ...rest }: RefreshTokenDoc): RefreshTokenRecord => ({ id: _id, ...rest });

/** Refresh tokens in MongoDB (`auth_refresh_tokens`); a TTL index removes expired ones. */
export class MongoRefreshTokenRepository extends RefreshTokenRepository {
  private readonly docs: AuthCollection<RefreshTokenDoc>;

  constructor(connection: Connection) {
    super();
    this.docs = new AuthCollection<RefreshTokenDoc>(connection, 'auth_refresh_tokens', [
      { key: { tokenHash: 1 }, name: 'tokenHash', unique: true },
      { key: { familyId: 1 }, name: 'familyId' },
      { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 },
    ]);
  }

  async insert(record: RefreshTokenRecord): Promise<void> {
    const { id, ...rest } = record;
    await (await this.docs.get()).insertOne({ _id: id, ...rest });
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const doc = await (await this.docs.get()).findOne({ tokenHash });
    // The TTL monitor runs once a minute: treat an expired document as gone already, like the memory adapter.
    return doc && doc.expiresAt.getTime() > Date.now() ? toRecord(doc) : null;
  }

  async markUsed(id: string, at: Date): Promise<boolean> {
    const result = await (
      await this.docs.get()
    ).updateOne({ _id: id, usedAt: null, revokedAt: null }, { $set: { usedAt: at } });
    return result.modifiedCount === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<number> {
    const result = await (
      await this.docs.get()
    ).updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: at } });
    return result.modifiedCount;
  }
}
