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
  /** The project's meeting id; stored as the event's `referenceId` so webhooks can be traced back. */
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
  /** For readiness and metrics. */
  abstract circuitState(): CircuitStateName;
}
