import { Schema, type Connection, type Model } from 'mongoose';
import type { Meeting } from '../domain/meeting';
import { MeetingRepository } from '../meeting.repository';

/** A meeting as stored in the `meetings` collection (`_id` is the meeting id). */
interface MeetingDocument {
  _id: string;
  guildId: string;
  channelId: string | null;
  messageId: string | null;
  hostId: string;
  hostName: string;
  title: string;
  description: string | null;
  type: Meeting['type'];
  status: Meeting['status'];
  kaltura: { resourceId: number; eventId?: number | null };
  createdAt: Date;
  endedAt: Date | null;
  endedBy: string | null;
}

const schema = new Schema<MeetingDocument>(
  {
    _id: { type: String, required: true },
    guildId: { type: String, required: true },
    channelId: { type: String, default: null },
    messageId: { type: String, default: null },
    hostId: { type: String, required: true },
    hostName: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, default: null },
    type: { type: String, required: true, enum: ['meeting', 'webinar', 'classroom'] },
    status: { type: String, required: true, enum: ['active', 'ended'] },
    kaltura: {
      type: new Schema({ resourceId: { type: Number, required: true }, eventId: Number }, { _id: false }),
      required: true,
    },
    createdAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
    endedBy: { type: String, default: null },
  },
  { collection: 'meetings', versionKey: false, strict: 'throw' },
);
// listActive: a guild's active meetings, newest first.
schema.index({ guildId: 1, status: 1, createdAt: -1 });

function toDomain(doc: MeetingDocument): Meeting {
  return {
    id: doc._id,
    guildId: doc.guildId,
    channelId: doc.channelId ?? null,
    messageId: doc.messageId ?? null,
    hostId: doc.hostId,
    hostName: doc.hostName,
    title: doc.title,
    description: doc.description ?? null,
    type: doc.type,
    status: doc.status,
    kaltura: {
      resourceId: doc.kaltura.resourceId,
      ...(typeof doc.kaltura.eventId === 'number' ? { eventId: doc.kaltura.eventId } : {}),
    },
    createdAt: new Date(doc.createdAt),
    endedAt: doc.endedAt ? new Date(doc.endedAt) : null,
    endedBy: doc.endedBy ?? null,
  };
}

/** MongoDB through mongoose: `meetings` collection, one document per meeting, conditional updates for ending. */
export class MongoMeetingRepository extends MeetingRepository {
  private readonly model: Model<MeetingDocument>;

  constructor(connection: Connection) {
    super();
    this.model =
      (connection.models.Meeting as Model<MeetingDocument> | undefined) ??
      connection.model<MeetingDocument>('Meeting', schema);
  }

  async insert(meeting: Meeting): Promise<void> {
    const { id, ...rest } = meeting;
    await this.model.create({ _id: id, ...rest });
  }

  async findById(id: string): Promise<Meeting | null> {
    const doc = await this.model
      .findOne({ _id: String(id) })
      .lean<MeetingDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async findInGuild(guildId: string, id: string): Promise<Meeting | null> {
    const doc = await this.model
      .findOne({ _id: String(id), guildId: String(guildId) })
      .lean<MeetingDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async listActive(guildId: string, limit: number): Promise<Meeting[]> {
    const docs = await this.model
      .find({ guildId: String(guildId), status: 'active' })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<MeetingDocument[]>()
      .exec();
    return docs.map(toDomain);
  }

  async countActive(guildId: string, hostId?: string): Promise<number> {
    const filter: Record<string, string> = { guildId: String(guildId), status: 'active' };
    if (hostId !== undefined) filter.hostId = String(hostId);
    // Served by the { guildId, status, createdAt } index; a guild's active meetings are few (capped).
    return this.model.countDocuments(filter).exec();
  }

  async markEnded(id: string, end: { endedAt: Date; endedBy: string }): Promise<Meeting | null> {
    const doc = await this.model
      .findOneAndUpdate(
        { _id: String(id), status: 'active' },
        { $set: { status: 'ended', endedAt: end.endedAt, endedBy: end.endedBy } },
        { new: true },
      )
      .lean<MeetingDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async setMessage(
    guildId: string,
    id: string,
    ref: { channelId: string; messageId: string },
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: String(id), guildId: String(guildId) },
        { $set: { channelId: ref.channelId, messageId: ref.messageId } },
      )
      .exec();
    return result.matchedCount > 0;
  }
}
