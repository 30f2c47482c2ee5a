import { ATTENDANCE_CAP_PER_MEETING, type Attendee } from '../domain/attendance';
import { AttendanceRepository, type LinkTaken } from './attendance.repository';

const byFirstLink = (a: Attendee, b: Attendee) =>
  a.firstAt.getTime() - b.firstAt.getTime() ||
  (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/** Process-memory attendance (development and tests), bounded: at most `meetings` meetings, oldest forgotten first. */
export class InMemoryAttendanceRepository extends AttendanceRepository {
  private readonly meetings = new Map<string, Map<string, Attendee>>();

  constructor(
    private readonly cap = ATTENDANCE_CAP_PER_MEETING,
    private readonly maxMeetings = 10_000,
  ) {
    super();
  }

  async record(link: LinkTaken): Promise<boolean> {
    let members = this.meetings.get(link.meetingId);
    if (!members) {
      if (this.meetings.size >= this.maxMeetings) {
        const oldest = this.meetings.keys().next();
        if (!oldest.done) this.meetings.delete(oldest.value);
      }
      members = new Map();
      this.meetings.set(link.meetingId, members);
    }
    const known = members.get(link.memberId);
    if (known) {
      Object.assign(known, {
        displayName: link.displayName,
        role: link.role,
        lastAt: new Date(Math.max(known.lastAt.getTime(), link.at.getTime())),
        count: known.count + 1,
      });
      return true;
    }
    if (members.size >= this.cap) return false;
    members.set(link.memberId, {
      meetingId: link.meetingId,
      guildId: link.guildId,
      memberId: link.memberId,
      displayName: link.displayName,
      role: link.role,
      firstAt: new Date(link.at),
      lastAt: new Date(link.at),
      count: 1,
    });
    return true;
  }

  async list(meetingId: string): Promise<Attendee[]> {
    return [...(this.meetings.get(meetingId)?.values() ?? [])]
      .map((a) => structuredClone(a))
      .sort(byFirstLink);
  }

  async count(meetingId: string): Promise<number> {
    return this.meetings.get(meetingId)?.size ?? 0;
  }
}
