import type { Meeting } from '../domain/meeting';
import { MeetingRepository } from '../meeting.repository';

/** A deep copy, so callers never share state with the store (Dates made in this realm, unlike structuredClone's). */
function copy(meeting: Meeting): Meeting {
  return {
    ...meeting,
    kaltura: { ...meeting.kaltura },
    createdAt: new Date(meeting.createdAt),
    endedAt: meeting.endedAt ? new Date(meeting.endedAt) : null,
  };
}

/** Process memory: for development, tests and single-replica set-ups (lost on restart). */
export class InMemoryMeetingRepository extends MeetingRepository {
  private readonly meetings = new Map<string, Meeting>();

  async insert(meeting: Meeting): Promise<void> {
    if (this.meetings.has(meeting.id)) throw new Error(`Meeting ${meeting.id} already exists`);
    this.meetings.set(meeting.id, copy(meeting));
  }

  async findById(id: string): Promise<Meeting | null> {
    const meeting = this.meetings.get(id);
    return meeting ? copy(meeting) : null;
  }

  async findInGuild(guildId: string, id: string): Promise<Meeting | null> {
    const meeting = this.meetings.get(id);
    return meeting && meeting.guildId === guildId ? copy(meeting) : null;
  }

  async listActive(guildId: string, limit: number): Promise<Meeting[]> {
    return [...this.meetings.values()]
      .filter((m) => m.guildId === guildId && m.status === 'active')
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map((m) => copy(m));
  }

  async countActive(guildId: string, hostId?: string): Promise<number> {
    let n = 0;
    for (const m of this.meetings.values()) {
      if (m.guildId === guildId && m.status === 'active' && (hostId === undefined || m.hostId === hostId))
        n++;
    }
    return n;
  }

  async markEnded(id: string, end: { endedAt: Date; endedBy: string }): Promise<Meeting | null> {
    const meeting = this.meetings.get(id);
    if (!meeting || meeting.status !== 'active') return null;
    Object.assign(meeting, { status: 'ended', endedAt: new Date(end.endedAt), endedBy: end.endedBy });
    return copy(meeting);
  }

  async setMessage(
    guildId: string,
    id: string,
    ref: { channelId: string; messageId: string },
  ): Promise<boolean> {
    const meeting = this.meetings.get(id);
    if (!meeting || meeting.guildId !== guildId) return false;
    meeting.channelId = ref.channelId;
    meeting.messageId = ref.messageId;
    return true;
  }
}
