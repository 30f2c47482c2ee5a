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
  /**
   * Remembers a recording (Kaltura entry id) of a known meeting, once per entry, at most
   * `RECORDINGS_PER_MEETING_MAX`; nothing for an unknown meeting. For the meeting detail's recording count.
   */
  abstract addRecording(meetingId: string, entryId: string): Promise<void>;
  /** How many distinct recordings the meeting has had announced (0 for an unknown meeting). */
  abstract recordingCount(meetingId: string): Promise<number>;
}

/** Recordings remembered per meeting (a meeting yields one per recording session: a handful). */
export const RECORDINGS_PER_MEETING_MAX = 50;
