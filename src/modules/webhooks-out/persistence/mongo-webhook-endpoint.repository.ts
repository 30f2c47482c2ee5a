import type { Collection, Connection } from 'mongoose';
import type { WebhookEndpoint } from '../domain/webhook-endpoint';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';

type EndpointDoc = Omit<WebhookEndpoint, 'id'> & { _id: string };

const toEndpoint = ({ _id, ...rest }: EndpointDoc): WebhookEndpoint => ({ id: _id, ...rest });

/** Endpoints in MongoDB (`webhooks_out_endpoints`), indexed by guild. */
export class MongoWebhookEndpointRepository extends WebhookEndpointRepository {
  private ready?: Promise<unknown>;
  private readonly collection: Collection<EndpointDoc>;

  constructor(connection: Connection) {
    super();
    this.collection = connection.collection<EndpointDoc>('webhooks_out_endpoints');
  }

  private async docs(): Promise<Collection<EndpointDoc>> {
    this.ready ??= this.collection
      .createIndexes([{ key: { guildId: 1, createdAt: 1 }, name: 'guild_created' }])
      .catch((err: unknown) => {
        this.ready = undefined; // the next call tries again
        throw err;
      });
    await this.ready;
    return this.collection;
  }

  async insert(endpoint: WebhookEndpoint): Promise<void> {
    const { id, ...rest } = endpoint;
    await (await this.docs()).insertOne({ _id: id, ...rest });
  }

  async get(guildId: string, id: string): Promise<WebhookEndpoint | null> {
    const doc = await (await this.docs()).findOne({ _id: id, guildId });
    return doc ? toEndpoint(doc) : null;
  }

  async listByGuild(guildId: string): Promise<WebhookEndpoint[]> {
    const docs = await (await this.docs()).find({ guildId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(toEndpoint);
  }

  async update(
    guildId: string,
    id: string,
    patch: Partial<WebhookEndpoint>,
  ): Promise<WebhookEndpoint | null> {
    const { id: _id, guildId: _g, ...fields } = patch;
    const doc = await (
      await this.docs()
    ).findOneAndUpdate({ _id: id, guildId }, { $set: fields }, { returnDocument: 'after' });
    return doc ? toEndpoint(doc) : null;
  }

  async delete(guildId: string, id: string): Promise<boolean> {
    const result = await (await this.docs()).deleteOne({ _id: id, guildId });
    return result.deletedCount === 1;
  }

  async recordFailure(guildId: string, id: string): Promise<number | null> {
    const doc = await (
      await this.docs()
    ).findOneAndUpdate(
      { _id: id, guildId },
      { $inc: { consecutiveFailures: 1 } },
      { returnDocument: 'after' },
    );
    return doc ? doc.consecutiveFailures : null;
  }

  async recordSuccess(guildId: string, id: string): Promise<void> {
    await (await this.docs()).updateOne({ _id: id, guildId }, { $set: { consecutiveFailures: 0 } });
  }
}
