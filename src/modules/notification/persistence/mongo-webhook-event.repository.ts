import { Schema, type Connection, type Model } from 'mongoose';
import type { WebhookEventRecord, WebhookEventStatus } from '../domain/notification.types';
import { WEBHOOK_EVENT_STATUSES } from '../domain/notification.types';
import { days, isDuplicateKey, modelOn } from './mongo-util';
import { WebhookEventRepository } from './webhook-event.repository';

/** Events (and so their idempotency keys) are kept this long; Kaltura's retries come within minutes. */
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

type WebhookEventDocument = Omit<WebhookEventRecord, 'id'> & { _id: string };

const schema = new Schema<WebhookEventDocument>(
  {
    _id: { type: String, required: true },
    jobId: { type: String, default: null },
    receivedAt: { type: Date, required: true },
    format: { type: String, required: true },
    eventType: { type: String, default: null },
    eventObjectType: { type: String, default: null },
    objectType: { type: String, default: null },
    templateSystemName: { type: String, default: null },
    mapping: { type: Schema.Types.Mixed, required: true },
    status: { type: String, required: true, enum: [...WEBHOOK_EVENT_STATUSES] },
    outcome: { type: String, default: null },
    attempts: { type: Number, required: true },
    processedAt: { type: Date, default: null },
  },
  { collection: 'webhook_events', versionKey: false, strict: 'throw', minimize: false },
);
schema.index({ status: 1, receivedAt: 1 });
schema.index({ receivedAt: 1 }, { expireAfterSeconds: days(WEBHOOK_EVENT_RETENTION_DAYS) });

function toDomain(doc: WebhookEventDocument): WebhookEventRecord {
  const { _id, ...rest } = doc;
  return {
    ...rest,
    id: _id,
    jobId: rest.jobId ?? null,
    eventType: rest.eventType ?? null,
    eventObjectType: rest.eventObjectType ?? null,
    objectType: rest.objectType ?? null,
    templateSystemName: rest.templateSystemName ?? null,
    outcome: rest.outcome ?? null,
    receivedAt: new Date(rest.receivedAt),
    processedAt: rest.processedAt ? new Date(rest.processedAt) : null,
  };
}

/** MongoDB `webhook_events` collection; `_id` is the idempotency key, so a repeat can never be stored twice. */
export class MongoWebhookEventRepository extends WebhookEventRepository {
  private readonly model: Model<WebhookEventDocument>;

  constructor(connection: Connection) {
    super();
    this.model = modelOn(connection, 'WebhookEvent', schema);
  }

  async insertIfAbsent(event: WebhookEventRecord) {
    const { id, ...rest } = event;
    let inserted = false;
    try {
      const result = await this.model.updateOne({ _id: id }, { $setOnInsert: rest }, { upsert: true }).exec();
      inserted = result.upsertedCount === 1;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await this.get(id);
    if (!stored) throw new Error(`Webhook event ${id} vanished right after it was stored`);
    return { inserted, event: stored };
  }

  async get(id: string) {
    const doc = await this.model
      .findOne({ _id: String(id) })
      .lean<WebhookEventDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async recordAttempt(id: string) {
    const doc = await this.model
      .findOneAndUpdate({ _id: String(id) }, { $inc: { attempts: 1 } }, { new: true })
      .lean<WebhookEventDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async complete(
    id: string,
    result: { status: Exclude<WebhookEventStatus, 'received'>; outcome: string; at: Date },
  ) {
    const updated = await this.model
      .updateOne(
        { _id: String(id), status: 'received' },
        { $set: { status: result.status, outcome: result.outcome, processedAt: result.at } },
      )
      .exec();
    return updated.modifiedCount === 1;
  }

  async listReceived(before: Date, limit: number) {
    const docs = await this.model
      .find({ status: 'received', receivedAt: { $lt: before } })
      .sort({ receivedAt: 1 })
      .limit(limit)
      .lean<WebhookEventDocument[]>()
      .exec();
    return docs.map(toDomain);
  }

  async count() {
    return this.model.estimatedDocumentCount().exec();
  }
}
