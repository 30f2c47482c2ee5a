import type { RecordingOwner } from './recording-tags';

/** The kind of meeting room; webinar and classroom set a Newrow class mode, meeting is the default room. */
export type MeetingType = 'meeting' | 'webinar' | 'classroom';

/** Project-level role; admin and moderator both join as Kaltura adminRole + userContextualRole 0, viewer as viewerRole + 3. */
export type JoinRole = 'admin' | 'moderator' | 'viewer';

/** The Kaltura ids behind one meeting: the room (`scheduleResource`) and its scheduled session (`scheduleEvent`). */
export interface KalturaRoom {
  resourceId: number;
  eventId?: number;
}

export interface CreateRoomInput {
  /** The guild (tenant) the meeting belongs to: written into the recording template's admin tags. */
  guildId: string;
  /**
   * The project's meeting id: in the recording template's admin tags and partner data (what the recording keeps),
   * and the event's `referenceId` (which cancellation webhooks of the event itself carry; recordings do not).
   */
  meetingId: string;
  title: string;
  description?: string;
  type: MeetingType;
}

export interface KalturaRoomInfo {
  room: KalturaRoom;
  name: string;
  status: 'active' | 'ended';
}

export interface JoinUrlInput {
  room: KalturaRoom;
  /** `id` is the Kaltura user id (e.g. `discord_<snowflake>`). */
  user: { id: string; firstName: string; lastName?: string };
  role: JoinRole;
}

/** A ready recording Kaltura made from a meeting's template entry. */
export interface KalturaRecording {
  entryId: string;
  name: string;
  /** Seconds; null when Kaltura does not say. */
  durationSeconds: number | null;
  owner: RecordingOwner;
}

/** Breaker state as readiness and metrics see it. */
export type CircuitStateName = 'closed' | 'open' | 'half-open';

/**
 * What the rest of the service needs from Kaltura. Injected by this abstract class; `KalturaModule` binds the
 * live adapter (kaltura-client) or the in-process sandbox. Every method throws `DomainError`s only.
 */
export abstract class KalturaPort {
  /** Creates the room and its session in one round trip. */
  abstract createRoom(input: CreateRoomInput): Promise<KalturaRoom>;
  /** Idempotent: ending an already-ended or unknown room resolves. */
  abstract endRoom(room: KalturaRoom): Promise<void>;
  /** null when Kaltura no longer has the resource. */
  abstract getRoom(room: KalturaRoom): Promise<KalturaRoomInfo | null>;
  /** Makes sure the Kaltura user exists (creates it on first use). */
  abstract ensureUser(user: { id: string; displayName: string }): Promise<void>;
  /** Personal launch URL; `user.id` is the Kaltura user id (e.g. discord_<snowflake>). */
  abstract joinUrl(input: JoinUrlInput): Promise<string>;
  /**
   * Ready recordings of one meeting, found by their admin tags (`media.list` with `adminTagsLike`) and checked
   * exactly against `owner`: the reconciler's way to find a recording whose webhook never came.
   */
  abstract findRecordings(owner: RecordingOwner): Promise<KalturaRecording[]>;
  /** For readiness and metrics. */
  abstract circuitState(): CircuitStateName;
}
