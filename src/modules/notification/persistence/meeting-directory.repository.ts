import type { MeetingRef } from '../domain/notification.types';

/**
 * What the notification module knows of each meeting (recorded from `meeting.created`), so that a Kaltura event
 * carrying only a meeting id, a schedule event id or a room (resource) id can be traced to its guild and channel.
 */
export abstract class MeetingDirectory {
  /** Inserts or replaces the meeting's entry. */
  abstract upsert(ref: MeetingRef): Promise<void>;
  abstract markEnded(meetingId: string, endedAt: Date): Promise<void>;
  abstract byMeetingId(meetingId: string): Promise<MeetingRef | null>;
  abstract byResourceId(resourceId: number): Promise<MeetingRef | null>;
  abstract byEventId(eventId: number): Promise<MeetingRef | null>;
  /** Meetings that ended at or after `since`, oldest end first, at most `limit` (the recording reconciler's list). */
  abstract endedSince(since: Date, limit: number): Promise<MeetingRef[]>;
}
