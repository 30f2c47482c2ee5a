import type { Connection } from 'mongoose';
import { Identity, kalturaUserIdFor } from '../domain/identity';
import { IdentityRepository } from '../identity.port';
import { AuthCollection } from './mongo-collection';

interface IdentityDoc {
  _id: string;
  kalturaUserId: string;
  displayName: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  kalturaUserEnsuredAt: Date | null;
}

const toIdentity = (d: IdentityDoc): Identity => ({
  discordUserId: d._id,
  kalturaUserId: d.kalturaUserId,
  displayName: d.displayName,
  firstSeenAt: d.firstSeenAt,
  lastSeenAt: d.lastSeenAt,
  kalturaUserEnsuredAt: d.kalturaUserEnsuredAt ?? null,
});

/** Identities in MongoDB (`auth_identities`, keyed by Discord user id). */
export class MongoIdentityRepository extends IdentityRepository {
  private readonly docs: AuthCollection<IdentityDoc>;

  constructor(connection: Connection) {
    super();
    this.docs = new AuthCollection<IdentityDoc>(connection, 'auth_identities', [
      { key: { kalturaUserId: 1 }, name: 'kalturaUserId' },
    ]);
  }

  async recordSeen(input: { discordUserId: string; displayName: string; at: Date }): Promise<Identity> {
    const docs = await this.docs.get();
    // One upsert: first-seen and the Kaltura id are written only when the document is created.
    const doc = await docs.findOneAndUpdate(
      { _id: input.discordUserId },
      {
        $set: { displayName: input.displayName, lastSeenAt: input.at },
        $setOnInsert: {
          kalturaUserId: kalturaUserIdFor(input.discordUserId),
          firstSeenAt: input.at,
          kalturaUserEnsuredAt: null,
        },
      },
      { upsert: true, returnDocument: 'after' },
    );
    if (!doc) throw new Error('identity upsert returned no document');
    return toIdentity(doc);
  }

  async get(discordUserId: string): Promise<Identity | null> {
    const doc = await (await this.docs.get()).findOne({ _id: discordUserId });
    return doc ? toIdentity(doc) : null;
  }

  async markKalturaUserEnsured(discordUserId: string, at: Date): Promise<void> {
    await (await this.docs.get()).updateOne({ _id: discordUserId }, { $set: { kalturaUserEnsuredAt: at } });
  }
}
