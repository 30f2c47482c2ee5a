import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Cache } from 'cache-manager';
import type { Counter } from 'prom-client';
import { isDomainError } from '../../platform/errors';
import { Settings } from '../../platform/settings';
import { highestRole } from '../auth';
import { ChannelAccess } from '../channels';
import type { MemberRole } from '../config';
import { KalturaPort, MeetingType } from '../kaltura';
import { ENDED_BY_KALTURA, Meeting, MeetingActor } from './domain/meeting';
import {
  MEETING_EVENTS,
  MeetingCreatedEvent,
  MeetingEndedEvent,
  MeetingJoinedEvent,
} from './domain/meeting.events';
import {
  assertActorId,
  assertSnowflake,
  kalturaUserId,
  newMeetingId,
  validateMeetingInput,
  type MeetingDraft,
} from './domain/meeting.rules';
import { MeetingLimits } from './limits/meeting-limits';
import { MeetingRepository } from './meeting.repository';
import {
  MeetingEndForbiddenError,
  MeetingEndedError,
  MeetingNotFoundError,
  MeetingStorageUnavailableError,
} from './meetings.errors';
import { MEETING_METRICS } from './meetings.metrics';
import { MeetingCommandPolicy } from './command-policy.service';
import { MEETING_COMMANDS } from './domain/command-policy';

/** How many active meetings `listActive` returns at most. */
export const LIST_ACTIVE_LIMIT = 100;
/** How long the fact that a Kaltura user exists is remembered. */
const USER_ENSURED_TTL_MS = 24 * 3600 * 1000;

/** What `create` takes. */
export interface CreateMeetingInput {
  guildId: string;
  channelId?: string | null;
  host: MeetingActor;
  title: string;
  description?: string | null;
  type: MeetingType;
}

/** What `start` returns: the meeting, and whether it is the one an identical start made moments before. */
export interface StartResult {
  meeting: Meeting;
  /** True: the same host started the same title in the same channel moments ago; this is that meeting. */
  reused: boolean;
}

/** A personal join link. */
export interface JoinResult {
  meeting: Meeting;
  /** Personal launch URL; carries a KS: show it to `member` only. */
  url: string;
  role: MemberRole;
  expiresAt: Date;
}

/**
 * The meeting use cases, shared by every transport (slash commands, buttons, REST, webhooks). Every read and
 * write is scoped to a guild, except `endedExternally`, which only Kaltura webhooks reach. Events are emitted
 * after the change is stored; listeners cannot fail the use case.
 */
@Injectable()
export class MeetingsService {
  private readonly log = new Logger('meetings');

  constructor(
    private readonly repository: MeetingRepository,
    private readonly kaltura: KalturaPort,
    private readonly events: EventEmitter2,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly settings: Settings,
    @InjectMetric(MEETING_METRICS.created) private readonly createdTotal: Counter<string>,
    @InjectMetric(MEETING_METRICS.joins) private readonly joinsTotal: Counter<string>,
    @InjectMetric(MEETING_METRICS.ended) private readonly endedTotal: Counter<string>,
    private readonly channels: ChannelAccess,
    private readonly policy: MeetingCommandPolicy,
    private readonly limits: MeetingLimits,
  ) {}

  /** `start`, for callers that need only the meeting. */
  async create(input: CreateMeetingInput): Promise<Meeting> {
    return (await this.start(input)).meeting;
  }

  /**
   * Starts a meeting: the Kaltura room, then the record (if storing fails the room is removed again). The channel
   * must be one the service may post in, of this guild (`CHANNEL_NOT_USABLE` otherwise): its notifications go
   * there. Within the limits: the host's and the guild's command budgets and active-meeting caps; an identical
   * start moments before (same host, channel and title) returns that meeting instead of a second room.
   */
  async start(input: CreateMeetingInput): Promise<StartResult> {
    const draft = validateMeetingInput(input);
    assertSnowflake('guildId', input.guildId);
    if (input.channelId !== undefined && input.channelId !== null)
      assertSnowflake('channelId', input.channelId);
    assertActorId('host.userId', input.host.userId);
    await this.policy.check(input.guildId, MEETING_COMMANDS.start, input.host);
    await this.limits.charge(MEETING_COMMANDS.start, input.guildId, input.host.userId);
    if (input.channelId) await this.channels.assertUsable(input.guildId, input.channelId, 'channelId');
    return this.limits.startOnce(
      {
        guildId: input.guildId,
        channelId: input.channelId ?? null,
        hostId: input.host.userId,
        title: draft.title,
      },
      async () => {
        await this.limits.assertCapacity(input.guildId, input.host.userId);
        return this.createRoom(input, draft);
      },
      (id) => this.repository.findInGuild(input.guildId, id),
    );
  }

  private async createRoom(input: CreateMeetingInput, draft: MeetingDraft): Promise<Meeting> {
    const id = newMeetingId();
    const room = await this.kaltura.createRoom({
      guildId: input.guildId,
      meetingId: id,
      title: draft.title,
      ...(draft.description ? { description: draft.description } : {}),
      type: draft.type,
    });
    const meeting: Meeting = {
      id,
      guildId: input.guildId,
      channelId: input.channelId ?? null,
      messageId: null,
      hostId: input.host.userId,
      hostName: displayNameOf(input.host),
      title: draft.title,
      description: draft.description,
      type: draft.type,
      status: 'active',
      kaltura: room,
      createdAt: new Date(),
      endedAt: null,
      endedBy: null,
    };
    try {
      await this.repository.insert(meeting);
    } catch (err) {
      this.log.error({ err, meetingId: id }, 'Storing a new meeting failed; removing its Kaltura room');
      await this.kaltura
        .endRoom(room)
        .catch((cleanupErr: unknown) =>
          this.log.error(
            { err: cleanupErr, meetingId: id, room },
            'Removing the orphaned Kaltura room failed',
          ),
        );
      throw new MeetingStorageUnavailableError();
    }
    this.createdTotal.inc({ type: meeting.type });
    this.log.log({ meetingId: id, guildId: meeting.guildId, type: meeting.type }, 'Meeting created');
    this.emit<MeetingCreatedEvent>(MEETING_EVENTS.created, { meeting });
    return meeting;
  }

  /** The guild's meeting; `MEETING_NOT_FOUND` also when it belongs to another guild. */
  async get(guildId: string, id: string): Promise<Meeting> {
    if (typeof guildId !== 'string' || typeof id !== 'string') throw new MeetingNotFoundError();
    const meeting = await this.repository.findInGuild(guildId, id);
    if (!meeting) throw new MeetingNotFoundError();
    return meeting;
  }

  /**
   * `/kaltura-list` as a use case: the guild's rules for it apply to `actor`, and the call counts against the
   * budgets; then `listActive`.
   */
  async list(guildId: string, actor: MeetingActor): Promise<Meeting[]> {
    await this.policy.check(guildId, MEETING_COMMANDS.list, actor);
    await this.limits.charge(MEETING_COMMANDS.list, guildId, actor.userId);
    return this.listActive(guildId);
  }

  /**
   * Active meetings of the guild, newest first (at most `LIST_ACTIVE_LIMIT`), without any command rule or budget:
   * for lookups inside other use cases (autocomplete, an id from a title). Transports listing meetings use `list`.
   */
  async listActive(guildId: string): Promise<Meeting[]> {
    return this.repository.listActive(guildId, LIST_ACTIVE_LIMIT);
  }

  /**
   * A personal join link for `member`, with the role their Discord roles map to; the host is at least a
   * moderator of their own meeting. `MEETING_ENDED` once the meeting has ended. The Kaltura user is
   * `discord_<snowflake>` (`service_<id>` for API keys), made sure to exist once, then remembered in the cache.
   */
  async join(guildId: string, id: string, member: MeetingActor): Promise<JoinResult> {
    assertActorId('member.userId', member.userId);
    await this.policy.check(guildId, MEETING_COMMANDS.join, member);
    await this.limits.charge(MEETING_COMMANDS.join, guildId, member.userId);
    const meeting = await this.get(guildId, id);
    if (meeting.status === 'ended') throw new MeetingEndedError();
    const role = meeting.hostId === member.userId ? highestRole(member.role, 'moderator') : member.role;
    const kalturaUser = { id: kalturaUserId(member.userId), displayName: displayNameOf(member) };
    await this.ensureKalturaUser(kalturaUser);
    // Taken before the KS is minted, so the promised expiry is never later than the real one.
    const expiresAt = new Date(Date.now() + this.settings.kaltura.joinLinkTtl * 1000);
    const url = await this.kaltura.joinUrl({
      room: meeting.kaltura,
      user: { id: kalturaUser.id, firstName: kalturaUser.displayName },
      role,
    });
    this.joinsTotal.inc({ role });
    this.emit<MeetingJoinedEvent>(MEETING_EVENTS.joined, {
      meeting,
      user: { id: member.userId, displayName: kalturaUser.displayName },
      role,
    });
    return { meeting, url, role, expiresAt };
  }

  /**
   * Ends the meeting: the Kaltura room first (so nobody can keep using it), then the record. Host or admin only.
   * Ending an ended meeting returns it unchanged; only the call that actually ended it emits `meeting.ended`.
   */
  async end(guildId: string, id: string, actor: MeetingActor): Promise<Meeting> {
    await this.policy.check(guildId, MEETING_COMMANDS.end, actor);
    await this.limits.charge(MEETING_COMMANDS.end, guildId, actor.userId);
    const meeting = await this.get(guildId, id);
    if (meeting.hostId !== actor.userId && actor.role !== 'admin') throw new MeetingEndForbiddenError();
    if (meeting.status === 'ended') return meeting;
    await this.kaltura.endRoom(meeting.kaltura);
    const ended = await this.repository.markEnded(meeting.id, { endedAt: new Date(), endedBy: actor.userId });
    // Null: another request (or replica) ended it in the meantime; it sent the event.
    if (!ended) return this.get(guildId, id);
    this.endedTotal.inc({ source: 'member' });
    this.log.log({ meetingId: id, guildId }, 'Meeting ended');
    this.emit<MeetingEndedEvent>(MEETING_EVENTS.ended, {
      meeting: ended,
      endedBy: { id: actor.userId, displayName: displayNameOf(actor) },
    });
    return ended;
  }

  /**
   * Kaltura reported the meeting's event cancelled or deleted (webhook): the meeting ends, whatever guild it is
   * in. Idempotent; null for an unknown meeting. The room is removed too, best effort (join links address it).
   */
  async endedExternally(meetingId: string): Promise<Meeting | null> {
    if (typeof meetingId !== 'string') return null;
    const meeting = await this.repository.findById(meetingId);
    if (!meeting) return null;
    if (meeting.status === 'ended') return meeting;
    const ended = await this.repository.markEnded(meeting.id, {
      endedAt: new Date(),
      endedBy: ENDED_BY_KALTURA,
    });
    if (!ended) return this.repository.findById(meetingId);
    this.endedTotal.inc({ source: 'kaltura' });
    this.log.log({ meetingId, guildId: ended.guildId }, 'Meeting ended by Kaltura');
    this.emit<MeetingEndedEvent>(MEETING_EVENTS.ended, { meeting: ended, endedBy: 'kaltura' });
    await this.kaltura
      .endRoom(ended.kaltura)
      .catch((err: unknown) =>
        this.log.warn({ err, meetingId }, 'Removing the Kaltura room of a cancelled meeting failed'),
      );
    return ended;
  }

  /** Records the public meeting message so it can be edited when the meeting ends. */
  async attachMessage(
    guildId: string,
    id: string,
    ref: { channelId: string; messageId: string },
  ): Promise<void> {
    assertSnowflake('channelId', ref.channelId);
    assertSnowflake('messageId', ref.messageId);
    if (!(await this.repository.setMessage(guildId, id, ref))) throw new MeetingNotFoundError();
  }

  private async ensureKalturaUser(user: { id: string; displayName: string }): Promise<void> {
    const key = `kd:meetings:user:${user.id}`;
    const known = await this.cache.get<boolean>(key).catch(() => undefined);
    if (known) return;
    await this.kaltura.ensureUser(user);
    await this.cache
      .set(key, true, USER_ENSURED_TTL_MS)
      .catch((err: unknown) =>
        this.log.warn(
          { err: isDomainError(err) ? err.code : String(err) },
          'Caching a known Kaltura user failed',
        ),
      );
  }

  private emit<T>(event: string, payload: T): void {
    try {
      this.events.emit(event, payload);
    } catch (err) {
      // A synchronous listener threw: the change is stored; report and carry on.
      this.log.error({ err, event }, 'A meeting event listener failed');
    }
  }
}

function displayNameOf(actor: MeetingActor): string {
  const name = typeof actor.displayName === 'string' ? actor.displayName.trim() : '';
  return name || actor.userId;
}
