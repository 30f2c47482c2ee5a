import { Logger } from '@nestjs/common';
import DataLoader from 'dataloader';
import * as kaltura from 'kaltura-client';
import type { Settings } from '../../platform/settings';
import { KalturaAdminSession } from './kaltura-admin-session';
import {
  ACTION_BLOCKED,
  DEFAULT_RESILIENCE,
  KalturaResilienceOptions,
  KalturaTransport,
  SlotResult,
} from './kaltura-transport';
import { KalturaApiFault, KalturaUnavailableError, isKalturaCode, toDomainError } from './kaltura.errors';
import { KalturaCallMetrics } from './kaltura.metrics';
import {
  CircuitStateName,
  CreateRoomInput,
  JoinUrlInput,
  KalturaPort,
  KalturaRecording,
  KalturaRoom,
  KalturaRoomInfo,
} from './kaltura.port';
import {
  RecordingOwner,
  recordingAdminTags,
  recordingOwnerOf,
  recordingPartnerData,
  recordingSearchTag,
  sameOwner,
} from './recording-tags';
import {
  assertRoom,
  assertUserId,
  eventTags,
  mintJoinKs,
  privilegeText,
  resourceTags,
} from './kaltura.rules';

/** The partner settings the live adapter needs (a slice of `Settings['kaltura']`). */
export type KalturaConnection = Pick<
  Settings['kaltura'],
  'partnerId' | 'adminSecret' | 'serviceUrl' | 'kafUrl' | 'joinLinkTtl'
>;

export interface KalturaClientAdapterOptions extends Partial<KalturaResilienceOptions> {
  metrics?: KalturaCallMetrics;
  /** Lifetime of the cached admin KS in seconds (default 86 400). */
  adminKsTtlSeconds?: number;
  /** Renew the admin KS this many seconds before it expires (default 3 600). */
  adminKsRenewBeforeSeconds?: number;
  /** Window of the scheduled session created with each room, in hours (default 24). */
  eventDurationHours?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

/**
 * Most users one `user.add` multirequest carries. Kaltura runs a multirequest's actions one after another, so a
 * larger batch saves this process's CPU but lengthens the wait of the batch's members.
 */
export const KALTURA_USER_BATCH_MAX = 25;

type NewUser = { id: string; name: string };

const { EntryStatus, MediaType, ScheduleEventRecurrenceType, ScheduleEventStatus, ScheduleResourceStatus } =
  kaltura.enums;

/** Most recordings one meeting is expected to have; the reconciler's `media.list` asks for this many. */
const RECORDINGS_PAGE = 50;

/**
 * The live adapter: a real Kaltura partner through kaltura-client. Rooms are Newrow schedule resources with a
 * linked scheduled session; join links carry a locally minted USER KS.
 */
export class KalturaClientAdapter extends KalturaPort {
  private readonly log = new Logger('Kaltura');
  private readonly transport: KalturaTransport;
  private readonly now: () => number;
  private readonly eventHours: number;
  private readonly users: DataLoader<NewUser, undefined>;

  constructor(
    private readonly connection: KalturaConnection,
    options: KalturaClientAdapterOptions = {},
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.eventHours = options.eventDurationHours ?? 24;
    const session = new KalturaAdminSession(connection, {
      ttlSeconds: options.adminKsTtlSeconds ?? 86_400,
      renewBeforeSeconds: options.adminKsRenewBeforeSeconds ?? 3_600,
      now: () => Math.floor(this.now() / 1000),
    });
    const resilience: KalturaResilienceOptions = { ...DEFAULT_RESILIENCE };
    for (const key of Object.keys(DEFAULT_RESILIENCE) as Array<keyof KalturaResilienceOptions>) {
      if (options[key] !== undefined) resilience[key] = options[key];
    }
    this.transport = new KalturaTransport(connection.serviceUrl, session, resilience, options.metrics);
    this.users = new DataLoader<NewUser, undefined>((users) => this.addUsers(users), {
      cache: false,
      maxBatchSize: KALTURA_USER_BATCH_MAX,
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
    });
  }

  /**
   * Creates the recording template entry, the room, its session (a `KalturaRecordScheduleEvent` whose
   * `templateEntryId` is the template) and their link in one multirequest.
   * A refusal by Kaltura's rate limiter (`ACTION_BLOCKED` in a slot) is undone like any half-created room, then the
   * whole room is tried again within the call's deadline.
   */
  async createRoom(input: CreateRoomInput): Promise<KalturaRoom> {
    return this.transport
      .whileBlocked('multirequest.createRoom', () => this.createRoomOnce(input))
      .catch((error: unknown) => {
        throw toDomainError(error);
      });
  }

  private async createRoomOnce(input: CreateRoomInput): Promise<KalturaRoom> {
    const start = Math.floor(this.now() / 1000);
    const name = [...input.title].slice(0, 256).join('');
    const description = input.description === undefined ? {} : { description: input.description };
    const tags = eventTags(input.type);
    const owner = { guildId: input.guildId, meetingId: input.meetingId };
    const slots = await this.transport
      .batch(
        'createRoom',
        () => [
          // The recording template: Kaltura copies its admin tags and partner data onto the recording
          // (entry::copyTemplate), which is how the entry-ready webhook and the reconciler find the meeting.
          kaltura.services.media.add(
            new kaltura.objects.MediaEntry({
              name,
              ...description,
              mediaType: MediaType.VIDEO,
              adminTags: recordingAdminTags(owner),
              partnerData: recordingPartnerData(owner),
            }),
          ),
          kaltura.services.scheduleResource.add(
            new kaltura.objects.LocationScheduleResource({
              name,
              ...description,
              tags: resourceTags(input.type),
            }),
          ),
          kaltura.services.scheduleEvent.add(
            new kaltura.objects.RecordScheduleEvent({
              summary: name,
              ...description,
              referenceId: input.meetingId,
              templateEntryId: '{1:result:id}',
              startDate: start,
              endDate: start + this.eventHours * 3600,
              recurrenceType: ScheduleEventRecurrenceType.NONE,
              ...(tags ? { tags } : {}),
            }),
          ),
          // Multirequest references are 1-based: {1:...} the template, {2:...} the resource, {3:...} the event.
          kaltura.services.scheduleEventResource.add(
            new kaltura.objects.ScheduleEventResource({
              eventId: '{3:result:id}',
              resourceId: '{2:result:id}',
            }),
          ),
        ],
        // A lost answer could mean the room exists already: repeat only requests Kaltura never acted on.
        { idempotent: false },
      )
      .catch((error: unknown) => {
        throw toDomainError(error);
      });

    const templateEntryId = entryIdOf(slots[0]);
    const resourceId = idOf(slots[1]);
    const eventId = idOf(slots[2]);
    const failed = slots.find((slot): slot is { ok: false; fault: KalturaApiFault } => !slot.ok);
    if (
      !failed &&
      templateEntryId !== undefined &&
      resourceId !== undefined &&
      eventId !== undefined &&
      slots.length === 4
    ) {
      return { resourceId, eventId };
    }
    // Half a room is worse than none: undo what was created before reporting the failure.
    await this.compensate({ templateEntryId, resourceId, eventId });
    if (failed?.fault.code === ACTION_BLOCKED) throw failed.fault;
    throw failed ? toDomainError(failed.fault) : new KalturaUnavailableError('bad_response');
  }

  async findRecordings(owner: RecordingOwner): Promise<KalturaRecording[]> {
    let result: unknown;
    try {
      result = await this.transport.request(
        () =>
          kaltura.services.media.listAction(
            new kaltura.objects.MediaEntryFilter({
              adminTagsLike: recordingSearchTag(owner.meetingId),
              statusEqual: EntryStatus.READY,
            }),
            new kaltura.objects.FilterPager({ pageSize: RECORDINGS_PAGE, pageIndex: 1 }),
          ),
        { idempotent: true },
      );
    } catch (error) {
      throw toDomainError(error);
    }
    const objects = (result as { objects?: unknown } | null)?.objects;
    if (!Array.isArray(objects)) return [];
    return objects.flatMap((raw: unknown): KalturaRecording[] => {
      if (typeof raw !== 'object' || raw === null) return [];
      const entry = raw as Record<string, unknown>;
      const match = recordingOwnerOf(entry);
      // `adminTagsLike` is a loose match, and the template itself carries the same tags: keep only ready
      // recordings copied from a template, whose tags name exactly this meeting.
      if (!match.owner || !sameOwner(match.owner, owner)) return [];
      if (typeof entry.id !== 'string' || typeof entry.templateEntryId !== 'string') return [];
      if (String(entry.status) !== EntryStatus.READY) return [];
      const duration = entry.duration;
      return [
        {
          entryId: entry.id,
          name: typeof entry.name === 'string' ? entry.name : '',
          durationSeconds:
            typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? duration : null,
          owner: match.owner,
        },
      ];
    });
  }

  async endRoom(room: KalturaRoom): Promise<void> {
    assertRoom(room);
    if (room.eventId !== undefined) {
      const eventId = room.eventId;
      try {
        await this.transport.request(() => kaltura.services.scheduleEvent.cancel(eventId), {
          idempotent: true,
        });
      } catch (error) {
        // The resource is what makes the room joinable: a refused cancel must not keep it alive.
        if (!(error instanceof KalturaApiFault)) throw toDomainError(error);
        if (error.code !== 'INVALID_OBJECT_ID') this.log.warn(`scheduleEvent.cancel refused (${error.code})`);
      }
    }
    try {
      await this.transport.request(() => kaltura.services.scheduleResource.deleteAction(room.resourceId), {
        idempotent: true,
      });
    } catch (error) {
      if (isKalturaCode(error, 'INVALID_OBJECT_ID')) return;
      throw toDomainError(error);
    }
  }

  async getRoom(room: KalturaRoom): Promise<KalturaRoomInfo | null> {
    assertRoom(room);
    const eventId = room.eventId;
    const slots = await this.transport
      .batch(
        'getRoom',
        () => [
          kaltura.services.scheduleResource.get(room.resourceId),
          ...(eventId !== undefined ? [kaltura.services.scheduleEvent.get(eventId)] : []),
        ],
        { idempotent: true },
      )
      .catch((error: unknown) => {
        throw toDomainError(error);
      });
    const [resourceSlot, eventSlot] = slots;
    if (!resourceSlot) throw new KalturaUnavailableError('bad_response');
    if (!resourceSlot.ok) {
      if (resourceSlot.fault.code === 'INVALID_OBJECT_ID') return null;
      throw toDomainError(resourceSlot.fault);
    }
    const resource = resourceSlot.value as { name?: unknown; status?: unknown };
    if (resource.status === ScheduleResourceStatus.DELETED) return null;
    let ended = resource.status === ScheduleResourceStatus.DISABLED;
    if (eventSlot && !eventSlot.ok && eventSlot.fault.code !== 'INVALID_OBJECT_ID')
      throw toDomainError(eventSlot.fault);
    if (eventSlot) {
      const status = eventSlot.ok
        ? (eventSlot.value as { status?: unknown }).status
        : ScheduleEventStatus.DELETED;
      ended ||= status === ScheduleEventStatus.CANCELLED || status === ScheduleEventStatus.DELETED;
    }
    return {
      room: { ...room },
      name: typeof resource.name === 'string' ? resource.name : '',
      status: ended ? 'ended' : 'active',
    };
  }

  /**
   * One `user.add` whether the user is new or not, where `DUPLICATE_USER_BY_ID` means it exists already (Kaltura
   * changes nothing then). A `user.get` first would cost every new member a second round trip, and members are
   * new exactly when a crowd arrives. Calls made in the same event-loop turn share one multirequest (at most
   * `KALTURA_USER_BATCH_MAX` users): a lone join waits for nothing, and a crowd of new members costs a request
   * per batch instead of one each (about a third of a cold join's CPU was this call).
   */
  async ensureUser(user: { id: string; displayName: string }): Promise<void> {
    assertUserId(user.id);
    const name = privilegeText(user.displayName, 40) || user.id.slice(0, 40);
    return this.users.load({ id: user.id, name });
  }

  /** DataLoader's batch function: one result per user, in order; an Error rejects only that user's call. */
  private async addUsers(users: readonly NewUser[]): Promise<Array<undefined | Error>> {
    const add = (user: NewUser) =>
      kaltura.services.user.add(
        new kaltura.objects.User({ id: user.id, screenName: user.name, firstName: user.name }),
      );
    const existsAlready = { expectedCodes: ['DUPLICATE_USER_BY_ID'] };
    if (users.length === 1) {
      try {
        await this.transport.request(() => add(users[0]), { idempotent: true, ...existsAlready });
        return [undefined];
      } catch (error) {
        return [isKalturaCode(error, 'DUPLICATE_USER_BY_ID') ? undefined : asError(toDomainError(error))];
      }
    }
    let slots: SlotResult[];
    try {
      slots = await this.transport.batch('ensureUsers', () => users.map(add), {
        idempotent: true,
        ...existsAlready,
      });
    } catch (error) {
      const failure = asError(toDomainError(error));
      return users.map(() => failure);
    }
    return users.map((_, i) => {
      const slot = slots[i];
      if (slot === undefined) return new KalturaUnavailableError('bad_response');
      if (slot.ok || slot.fault.code === 'DUPLICATE_USER_BY_ID') return undefined;
      return asError(toDomainError(slot.fault));
    });
  }

  async joinUrl(input: JoinUrlInput): Promise<string> {
    const ks = mintJoinKs(this.connection, input, this.now());
    return `${this.connection.kafUrl}/virtualEvent/launch?ks=${encodeURIComponent(ks)}`;
  }

  circuitState(): CircuitStateName {
    return this.transport.circuitState();
  }

  /** Best effort: a failure here is logged, and the original error is what the caller sees. */
  private async compensate(created: {
    templateEntryId?: string;
    resourceId?: number;
    eventId?: number;
  }): Promise<void> {
    const undo: Array<[string, () => kaltura.RequestBuilder]> = [];
    const { templateEntryId, resourceId, eventId } = created;
    if (eventId !== undefined)
      undo.push([`event ${eventId}`, () => kaltura.services.scheduleEvent.cancel(eventId)]);
    if (resourceId !== undefined) {
      undo.push([`resource ${resourceId}`, () => kaltura.services.scheduleResource.deleteAction(resourceId)]);
    }
    if (templateEntryId !== undefined) {
      undo.push([
        `template entry ${templateEntryId}`,
        () => kaltura.services.media.deleteAction(templateEntryId),
      ]);
    }
    for (const [what, build] of undo) {
      try {
        await this.transport.request(build, { idempotent: true });
      } catch (error) {
        if (!isKalturaCode(error, 'INVALID_OBJECT_ID')) {
          this.log.warn(`Could not undo a half-created Kaltura room (${what}); remove it by hand`);
        }
      }
    }
  }
}

function entryIdOf(slot: SlotResult | undefined): string | undefined {
  if (!slot?.ok || typeof slot.value !== 'object' || slot.value === null) return undefined;
  const id = (slot.value as { id?: unknown }).id;
  return typeof id === 'string' && /^[0-9]_[A-Za-z0-9]{1,40}$/.test(id) ? id : undefined;
}

function idOf(slot: SlotResult | undefined): number | undefined {
  if (!slot?.ok || typeof slot.value !== 'object' || slot.value === null) return undefined;
  const id = (slot.value as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** DataLoader rejects a call only for an Error; the domain errors are, anything else is wrapped. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new KalturaUnavailableError('bad_response');
}
