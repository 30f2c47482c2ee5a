import type { MeetingRef } from '../domain/notification.types';
import { MeetingDirectory, RECORDINGS_PER_MEETING_MAX } from './meeting-directory.repository';

const clone = <T>(value: T): T => structuredClone(value);

/** Process-memory meeting directory (development and tests), bounded: the oldest entries are forgotten first. */
export class InMemoryMeetingDirectory extends MeetingDirectory {
  private readonly refs = new Map<string, MeetingRef>();
  private readonly recordings = new Map<string, Set<string>>();

  constructor(private readonly capacity = 50_000) {
    super();
  }

  async upsert(ref: MeetingRef) {
    this.refs.delete(ref.meetingId);
    if (this.refs.size >= this.capacity) {
      const oldest = this.refs.keys().next();
      if (!oldest.done) {
        this.refs.delete(oldest.value);
        this.recordings.delete(oldest.value);
      }
    }
    this.refs.set(ref.meetingId, clone(ref));
  }

  async markEnded(meetingId: string, endedAt: Date) {
    const ref = this.refs.get(meetingId);
    if (ref) ref.endedAt = endedAt;
  }

  async byMeetingId(meetingId: string) {
    const ref = this.refs.get(meetingId);
    return ref ? clone(ref) : null;
  }

  async byResourceId(resourceId: number) {
    return this.find((r) => r.resourceId === resourceId);
  }

  async byEventId(eventId: number) {
    return this.find((r) => r.eventId === eventId);
  }

  async endedSince(since: Date, limit: number) {
    return [...this.refs.values()]
      .filter((r) => r.endedAt !== null && r.endedAt.getTime() >= since.getTime())
      .sort((a, b) => a.endedAt!.getTime() - b.endedAt!.getTime())
      .slice(0, limit)
      .map(clone);
  }

  async addRecording(meetingId: string, entryId: string) {
    if (!this.refs.has(meetingId)) return;
    const entries = this.recordings.get(meetingId) ?? new Set<string>();
    if (entries.size < RECORDINGS_PER_MEETING_MAX) entries.add(entryId);
    this.recordings.set(meetingId, entries);
  }

  async recordingCount(meetingId: string) {
    return this.recordings.get(meetingId)?.size ?? 0;
  }

  private find(match: (ref: MeetingRef) => boolean): MeetingRef | null {
    let found: MeetingRef | null = null;
    // The newest entry wins should Kaltura ever reuse an id.
    for (const ref of this.refs.values()) if (match(ref)) found = ref;
    return found ? clone(found) : null;
  }
}
