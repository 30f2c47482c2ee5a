import { Schema, type Connection, type Model } from 'mongoose';
import type { MeetingRef } from '../domain/notification.types';
import { MeetingDirectory, RECORDINGS_PER_MEETING_MAX } from './meeting-directory.repository';
import { days, modelOn } from './mongo-util';

/** Recordings and cancellations arrive within hours; entries are kept this long. */
export const MEETING_DIRECTORY_RETENTION_DAYS = 90;

type MeetingRefDocument = Omit<MeetingRef, 'meetingId'> & { _id: string; recordingEntryIds?: string[] };

const schema = new Schema<MeetingRefDocument>(
  {
    _id: { type: String, required: true },
    guildId: { type: String, required: true },
    channelId: { type: String, default: null },
    title: { type: String, required: true },
    type: { type: String, required: true },
    description: { type: String, default: null },
    hostId: { type: String, required: true },
    hostName: { type: String, required: true },
    resourceId: { type: Number, default: null },
    eventId: { type: Number, default: null },
    createdAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
    // Kaltura entry ids of the meeting's announced recordings (for its recording count), bounded.
    recordingEntryIds: { type: [String], default: undefined },
  },
  { collection: 'notification_meetings', versionKey: false, strict: 'throw' },
);
schema.index({ resourceId: 1, createdAt: -1 });
schema.index({ eventId: 1, createdAt: -1 });
// endedSince: the recording reconciler's window of recently ended meetings.
schema.index({ endedAt: 1 });
schema.index({ createdAt: 1 }, { expireAfterSeconds: days(MEETING_DIRECTORY_RETENTION_DAYS) });

function toDomain(doc: MeetingRefDocument): MeetingRef {
  const { _id, recordingEntryIds: _recordings, ...rest } = doc;
  return {
    ...rest,
    meetingId: _id,
    channelId: rest.channelId ?? null,
    description: rest.description ?? null,
    resourceId: rest.resourceId ?? null,
    eventId: rest.eventId ?? null,
    createdAt: new Date(rest.createdAt),
    endedAt: rest.endedAt ? new Date(rest.endedAt) : null,
  };
}

/** MongoDB `notification_meetings` collection (`_id` is the meeting id). */
export class MongoMeetingDirectory extends MeetingDirectory {
  private readonly model: Model<MeetingRefDocument>;

  constructor(connection: Connection) {
    super();
    this.model = modelOn(connection, 'NotificationMeetingRef', schema);
  }

  async upsert(ref: MeetingRef) {
    const { meetingId, ...rest } = ref;
    // Every field of the ref is set (null included), so this replaces the entry but keeps its recordings.
    await this.model.updateOne({ _id: meetingId }, { $set: rest }, { upsert: true }).exec();
  }

  async markEnded(meetingId: string, endedAt: Date) {
    await this.model.updateOne({ _id: String(meetingId) }, { $set: { endedAt } }).exec();
  }

  async byMeetingId(meetingId: string) {
    const doc = await this.model
      .findOne({ _id: String(meetingId) })
      .lean<MeetingRefDocument>()
      .exec();
    return doc ? toDomain(doc) : null;
  }

  async byResourceId(resourceId: number) {
    return this.findNewest({ resourceId: Number(resourceId) });
  }

  async byEventId(eventId: number) {
    return this.findNewest({ eventId: Number(eventId) });
  }

  async endedSince(since: Date, limit: number) {
    const docs = await this.model
      .find({ endedAt: { $gte: since } })
      .sort({ endedAt: 1 })
      .limit(limit)
      .lean<MeetingRefDocument[]>()
      .exec();
    return docs.map(toDomain);
  }

  async addRecording(meetingId: string, entryId: string) {
    await this.model
      .updateOne(
        {
          _id: String(meetingId),
          [`recordingEntryIds.${RECORDINGS_PER_MEETING_MAX - 1}`]: { $exists: false },
        },
        { $addToSet: { recordingEntryIds: String(entryId) } },
      )
      .exec();
  }

  async recordingCount(meetingId: string) {
    const doc = await this.model
      .findOne({ _id: String(meetingId) }, { recordingEntryIds: 1 })
      .lean<Pick<MeetingRefDocument, 'recordingEntryIds'>>()
      .exec();
    return doc?.recordingEntryIds?.length ?? 0;
  }

  private async findNewest(filter: Record<string, number>): Promise<MeetingRef | null> {
    const doc = await this.model.findOne(filter).sort({ createdAt: -1 }).lean<MeetingRefDocument>().exec();
    return doc ? toDomain(doc) : null;
  }
}
