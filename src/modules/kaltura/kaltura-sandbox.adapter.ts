import { Logger } from '@nestjs/common';
import type { Settings } from '../../platform/settings';
import { MeetingRoomNotFoundError } from './kaltura.errors';
import {
  CircuitStateName,
  CreateRoomInput,
  JoinUrlInput,
  KalturaPort,
  KalturaRecording,
  KalturaRoom,
  KalturaRoomInfo,
  MeetingType,
} from './kaltura.port';
import { assertRoom, assertUserId, mintJoinKs, privilegeText, resourceTags } from './kaltura.rules';
import { RecordingOwner, recordingAdminTags, recordingPartnerData } from './recording-tags';

/** The recording template the sandbox keeps per room, with the fields a real one carries. */
export interface SandboxTemplateEntry {
  id: string;
  name: string;
  adminTags: string;
  partnerData: string;
}

/** Path of the local launch page (served by `SandboxLaunchController`). */
export const SANDBOX_LAUNCH_PATH = '/sandbox/launch';

/** A room as the sandbox keeps it. */
export interface SandboxRoom {
  resourceId: number;
  eventId: number;
  meetingId: string;
  name: string;
  description?: string;
  type: MeetingType;
  tags: string;
  /** The recording template, as the live adapter creates it (`templateEntryId` of the session). */
  template: SandboxTemplateEntry;
  status: 'active' | 'ended';
  createdAt: Date;
  endedAt?: Date;
}

export type KalturaSandboxConnection = Pick<Settings['kaltura'], 'partnerId' | 'adminSecret' | 'joinLinkTtl'>;

/**
 * The embedded Kaltura used when no partner is configured: rooms live in memory, join links carry real KS
 * strings (signed with the sandbox secret) and open a local page that shows what a real launch would carry.
 * State is per process: fine for trying the service, not for running several replicas.
 */
export class KalturaSandboxAdapter extends KalturaPort {
  private readonly log = new Logger('KalturaSandbox');
  private readonly rooms = new Map<number, SandboxRoom>();
  private readonly users = new Map<string, string>();
  private nextResourceId = 1001;
  private nextEventId = 5001;
  private nextEntry = 1;

  constructor(
    private readonly connection: KalturaSandboxConnection,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async createRoom(input: CreateRoomInput): Promise<KalturaRoom> {
    const owner = { guildId: input.guildId, meetingId: input.meetingId };
    const name = [...input.title].slice(0, 256).join('');
    const room: SandboxRoom = {
      resourceId: this.nextResourceId++,
      eventId: this.nextEventId++,
      meetingId: input.meetingId,
      name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      type: input.type,
      tags: resourceTags(input.type),
      template: {
        id: `0_sandbox${this.nextEntry++}`,
        name,
        adminTags: recordingAdminTags(owner),
        partnerData: recordingPartnerData(owner),
      },
      status: 'active',
      createdAt: new Date(this.now()),
    };
    this.rooms.set(room.resourceId, room);
    this.log.log(`Sandbox room ${room.resourceId} created for meeting ${input.meetingId}`);
    return { resourceId: room.resourceId, eventId: room.eventId };
  }

  async endRoom(room: KalturaRoom): Promise<void> {
    assertRoom(room);
    const stored = this.rooms.get(room.resourceId);
    if (!stored || stored.status === 'ended') return;
    stored.status = 'ended';
    stored.endedAt = new Date(this.now());
  }

  async getRoom(room: KalturaRoom): Promise<KalturaRoomInfo | null> {
    assertRoom(room);
    const stored = this.rooms.get(room.resourceId);
    if (!stored) return null;
    return {
      room: { resourceId: stored.resourceId, eventId: stored.eventId },
      name: stored.name,
      status: stored.status,
    };
  }

  async ensureUser(user: { id: string; displayName: string }): Promise<void> {
    assertUserId(user.id);
    if (!this.users.has(user.id)) this.users.set(user.id, privilegeText(user.displayName, 40) || user.id);
  }

  /** Unlike Kaltura, the sandbox knows its rooms: an unknown one fails here rather than at launch. */
  async joinUrl(input: JoinUrlInput): Promise<string> {
    const ks = mintJoinKs(this.connection, input, this.now());
    if (!this.rooms.has(input.room.resourceId)) throw new MeetingRoomNotFoundError();
    return `${SANDBOX_LAUNCH_PATH}?ks=${encodeURIComponent(ks)}`;
  }

  /** The sandbox records nothing, so there is never a recording to find. */
  async findRecordings(owner: RecordingOwner): Promise<KalturaRecording[]> {
    void owner;
    return [];
  }

  circuitState(): CircuitStateName {
    return 'closed';
  }

  /** The stored room (sandbox only: the launch page and tests read it). */
  room(resourceId: number): Readonly<SandboxRoom> | undefined {
    return this.rooms.get(resourceId);
  }

  /** Display name the sandbox recorded for a user, if `ensureUser` saw it. */
  user(id: string): string | undefined {
    return this.users.get(id);
  }
}
