import { Schema, type Connection, type FilterQuery, type Model } from 'mongoose';
import { NOTIFICATION_TYPES } from '../../config';
import type { NotificationRecord } from '../domain/notification.types';
import { NOTIFICATION_STATUSES } from '../domain/notification.types';
import { NotificationListQuery, NotificationPage, NotificationRepository } from './notification.repository';
import { days, isDuplicateKey, modelOn } from './mongo-util';

/** Finished notifications are kept this long for the API, then MongoDB removes them. */
export const NOTIFICATION_RETENTION_DAYS = 30;

type NotificationDocument = Omit<NotificationRecord, 'id'> & { _id: string; expiresAt: Date | null };

const schema = new Schema<NotificationDocument>(
  {
    _id: { type: String, required: true },
    guildId: { type: String, required: true },
    type: { type: String, required: true, enum: [...NOTIFICATION_TYPES] },
    status: { type: String, required: true, enum: [...NOTIFICATION_STATUSES] },
    meetingId: { type: String, default: null },
    channelRef: { type: String, default: null },
    channelId: { type: String, default: null },
    content: { type: String, required: true },
    allowMentions: { type: Boolean, required: true },
    attachment: {
      type: new Schema(
        { filename: { type: String, required: true }, content: { type: String, required: true } },
        { _id: false },
      ),
      default: undefined,
    },
    source: { type: String, required: true, enum: ['domain', 'kaltura'] },
    sourceEventId: { type: String, default: null },
    attempts: { type: Number, required: true },
    lastError: { type: String, default: null },
    messageId: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    // Set when the notification reaches a final state; the TTL index removes it that long after.
    expiresAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false, strict: 'throw' },
);
schema.index({ guildId: 1, createdAt: -1, _id: -1 });
schema.index({ guildId: 1, status: 1, createdAt: -1, _id: -1 });
schema.index({ status: 1, createdAt: 1 });
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const expiry = (at: Date) => new Date(at.getTime() + days(NOTIFICATION_RETENTION_DAYS) * 1000);

function toDomain(doc: NotificationDocument): NotificationRecord {
  const { _id, expiresAt: _expires, attachment, ...rest } = doc;
  const date = (d: Date | null | undefined) => (d ? new Date(d) : null);
  return {
    ...rest,
    id: _id,
    meetingId: rest.meetingId ?? null,
    channelRef: rest.channelRef ?? null,
    channelId: rest.channelId ?? null,
    sourceEventId: rest.sourceEventId ?? null,
    // Only when there is one: most notifications have none, and their records stay as they were.
    ...(attachment ? { attachment: { filename: attachment.filename, content: attachment.content } } : {}),
    lastError: rest.lastError ?? null,
    messageId: rest.messageId ?? null,
    leaseUntil: date(rest.leaseUntil),
    nextAttemptAt: date(rest.nextAttemptAt),
    createdAt: new Date(rest.createdAt),
    updatedAt: new Date(rest.updatedAt),
    sentAt: date(rest.sentAt),
  };
}

/** MongoDB `notifications` collection: one document per notification, conditional single-document updates. */
export class MongoNotificationRepository extends NotificationRepository {
  private readonly model: Model<NotificationDocument>;

  constructor(connection: Connection) {
    super();
    this.model = modelOn(connection, 'Notification', schema);
  }

  async createIfAbsent(notification: NotificationRecord) {
    const { id, ...rest } = notification;
    let created = false;
    try {
      const result = await this.model
        .updateOne({ _id: id }, { $setOnInsert: { ...rest, expiresAt: null } }, { upsert: true })
        .exec();
      created = result.upsertedCount === 1;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await this.get(id);
    if (!stored) throw new Error(`Notification ${id} vanished right after it was stored`);
    return { created, notification: stored };
  }

  async get(id: string) {
    const doc = await this.model
      .findOne({ _id: String(id) })
      .lean<NotificationDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async beginAttempt(id: string, now: Date, leaseMs: number) {
    const doc = await this.model
      .findOneAndUpdate(
        {
          _id: String(id),
          status: { $in: ['pending', 'failed'] },
          $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }],
        },
        { $inc: { attempts: 1 }, $set: { leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now } },
        { new: true },
      )
      .lean<NotificationDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async markSent(id: string, r: { messageId: string; channelId: string; at: Date }) {
    await this.set(id, {
      status: 'sent',
      messageId: r.messageId,
      channelId: r.channelId,
      sentAt: r.at,
      lastError: null,
      nextAttemptAt: null,
      leaseUntil: null,
      updatedAt: r.at,
      expiresAt: expiry(r.at),
    });
  }

  async markFailed(
    id: string,
    f: { error: string; nextAttemptAt: Date; at: Date; channelId?: string | null },
  ) {
    await this.set(id, {
      status: 'failed',
      lastError: f.error,
      nextAttemptAt: f.nextAttemptAt,
      leaseUntil: null,
      updatedAt: f.at,
      ...(f.channelId ? { channelId: f.channelId } : {}),
    });
  }

  async markDead(id: string, f: { error: string; at: Date; channelId?: string | null }) {
    await this.set(id, {
      status: 'dead',
      lastError: f.error,
      nextAttemptAt: null,
      leaseUntil: null,
      updatedAt: f.at,
      expiresAt: expiry(f.at),
      ...(f.channelId ? { channelId: f.channelId } : {}),
    });
  }

  async markSkipped(id: string, reason: string, at: Date) {
    await this.set(id, {
      status: 'skipped',
      lastError: reason,
      nextAttemptAt: null,
      leaseUntil: null,
      updatedAt: at,
      expiresAt: expiry(at),
    });
  }

  async listByGuild(guildId: string, query: NotificationListQuery): Promise<NotificationPage> {
    const filter: FilterQuery<NotificationDocument> = { guildId: String(guildId) };
    if (query.status) filter.status = query.status;
    if (query.type) filter.type = query.type;
    if (query.after) {
      const { createdAt, id } = query.after;
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    const docs = await this.model
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<NotificationDocument[]>()
      .exec();
    const items = docs.slice(0, query.limit).map(toDomain);
    const last = items[items.length - 1];
    return docs.length > query.limit && last
      ? { items, next: { createdAt: last.createdAt, id: last.id } }
      : { items };
  }

  async listUnfinished(now: Date, limit: number) {
    const docs = await this.model
      .find({
        status: { $in: ['pending', 'failed'] },
        $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }],
      })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<NotificationDocument[]>()
      .exec();
    return docs.map(toDomain);
  }

  private async set(id: string, patch: Partial<NotificationDocument>): Promise<void> {
    await this.model.updateOne({ _id: String(id) }, { $set: patch }).exec();
  }
}
