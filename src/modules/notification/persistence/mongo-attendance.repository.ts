import { Schema, type Connection, type Model } from 'mongoose';
import { MEMBER_ROLES } from '../../config';
import { ATTENDANCE_CAP_PER_MEETING, type Attendee } from '../domain/attendance';
import { AttendanceRepository, type LinkTaken } from './attendance.repository';
import { days, isDuplicateKey, modelOn } from './mongo-util';

/** Attendance is personal data: kept as long as the meeting directory, then MongoDB removes it. */
export const ATTENDANCE_RETENTION_DAYS = 90;

type AttendanceDocument = Attendee & { _id: string };

const schema = new Schema<AttendanceDocument>(
  {
    _id: { type: String, required: true },
    meetingId: { type: String, required: true },
    guildId: { type: String, required: true },
    memberId: { type: String, required: true },
    displayName: { type: String, required: true },
    role: { type: String, required: true, enum: [...MEMBER_ROLES] },
    firstAt: { type: Date, required: true },
    lastAt: { type: Date, required: true },
    count: { type: Number, required: true },
  },
  { collection: 'attendance', versionKey: false, strict: 'throw' },
);
schema.index({ meetingId: 1, firstAt: 1, memberId: 1 });
schema.index({ firstAt: 1 }, { expireAfterSeconds: days(ATTENDANCE_RETENTION_DAYS) });

function toDomain(doc: AttendanceDocument): Attendee {
  const { _id, ...rest } = doc;
  return { ...rest, firstAt: new Date(rest.firstAt), lastAt: new Date(rest.lastAt) };
}

/** MongoDB `attendance` collection: one document per meeting and member (`<meetingId>:<memberId>`). */
export class MongoAttendanceRepository extends AttendanceRepository {
  private readonly model: Model<AttendanceDocument>;

  constructor(
    connection: Connection,
    private readonly cap = ATTENDANCE_CAP_PER_MEETING,
  ) {
    super();
    this.model = modelOn(connection, 'Attendance', schema);
  }

  async record(link: LinkTaken): Promise<boolean> {
    const _id = `${link.meetingId}:${link.memberId}`;
    const update = async (upsert: boolean) =>
      this.model
        .updateOne(
          { _id },
          {
            $set: { displayName: link.displayName, role: link.role },
            $max: { lastAt: link.at },
            $inc: { count: 1 },
            $setOnInsert: {
              meetingId: link.meetingId,
              guildId: link.guildId,
              memberId: link.memberId,
              firstAt: link.at,
            },
          },
          { upsert },
        )
        .exec();
    if ((await update(false)).matchedCount === 1) return true;
    // A new member: the cap is checked first (a soft cap: concurrent writers may each pass it once).
    if ((await this.count(link.meetingId)) >= this.cap) return false;
    try {
      await update(true);
    } catch (err) {
      // Two first links of one member raced on the `_id`: the other created it, this one updates it.
      if (!isDuplicateKey(err)) throw err;
      await update(false);
    }
    return true;
  }

  async list(meetingId: string): Promise<Attendee[]> {
    const docs = await this.model
      .find({ meetingId })
      .sort({ firstAt: 1, memberId: 1 })
      .limit(this.cap * 2)
      .lean<AttendanceDocument[]>()
      .exec();
    return docs.map(toDomain);
  }

  async count(meetingId: string): Promise<number> {
    return this.model.countDocuments({ meetingId }).exec();
  }
}
