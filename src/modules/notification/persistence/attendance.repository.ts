import type { MemberRole } from '../../config';
import type { Attendee } from '../domain/attendance';

/** A member taking a personal link, as recorded. */
export interface LinkTaken {
  meetingId: string;
  guildId: string;
  memberId: string;
  displayName: string;
  role: MemberRole;
  at: Date;
}

/**
 * Who took a personal link for each meeting, and when (recorded from `meeting.joined`). At most `cap` members per
 * meeting (`ATTENDANCE_CAP_PER_MEETING`): a member already listed is always updated, a new one past the cap is not
 * stored. Under concurrent writers (several replicas) the MongoDB adapter may overshoot the cap by the few
 * members that raced in; it never grows without bound.
 */
export abstract class AttendanceRepository {
  /** Adds or updates the member's entry (name and role of the latest link, last time, count); false when refused. */
  abstract record(link: LinkTaken): Promise<boolean>;
  /** The meeting's attendees, first link first (ties by member id). */
  abstract list(meetingId: string): Promise<Attendee[]>;
  /** How many members the meeting has. */
  abstract count(meetingId: string): Promise<number>;
}
