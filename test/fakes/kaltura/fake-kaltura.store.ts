import { KsType, mintKs } from '../../../src/modules/kaltura';
import type { Params } from './api-params';
import { FakeEntries } from './fake-kaltura.entries';
import { FakeNotificationTemplates } from './fake-kaltura.notifications';
import {
  FakeApiError,
  FakeScheduleEvent,
  FakeScheduleEventResource,
  FakeScheduleResource,
  FakeUser,
} from './fake-kaltura.types';

const CONCRETE_RESOURCES = [
  'KalturaLocationScheduleResource',
  'KalturaLiveEntryScheduleResource',
  'KalturaCameraScheduleResource',
];
const CONCRETE_EVENTS = [
  'KalturaRecordScheduleEvent',
  'KalturaLiveStreamScheduleEvent',
  'KalturaMeetingScheduleEvent',
  'KalturaBlackoutScheduleEvent',
];
const USER_ID = /^[A-Za-z0-9,!#$%&'*+?^_`{|}~.@-]{1,320}$/;

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const int = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : NaN;
};

function notNull<T>(value: T | undefined, property: string): T {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
    throw new FakeApiError(
      'PROPERTY_VALIDATION_CANNOT_BE_NULL',
      `The property "${property}" cannot be null`,
      {
        PROP_NAME: property,
      },
    );
  }
  return value;
}

/** Concrete subtypes only, as the server instantiates objects from `objectType`. */
function concreteObject(value: unknown, param: string, base: string, concrete: string[]): Params {
  if (typeof value !== 'object' || value === null) {
    throw new FakeApiError('MISSING_MANDATORY_PARAMETER', `Missing parameter "${param}"`, {
      PARAM_NAME: param,
    });
  }
  const type = (value as Params).objectType;
  if (
    type === undefined ||
    type === base ||
    (type === 'KalturaEntryScheduleEvent' && base === 'KalturaScheduleEvent')
  ) {
    const name = typeof type === 'string' ? type : base;
    throw new FakeApiError(
      'OBJECT_TYPE_ABSTRACT',
      `The object type "${name}" is abstract, use one of the object implementations`,
      {
        TYPE: name,
      },
    );
  }
  if (!concrete.includes(String(type))) {
    throw new FakeApiError('INVALID_OBJECT_TYPE', `Invalid object type "${String(type)}"`, { TYPE: type });
  }
  return value as Params;
}

/** The fake's data and the actions that change it. All timestamps are unix seconds. */
export class FakeKalturaStore {
  readonly resources = new Map<number, FakeScheduleResource>();
  readonly events = new Map<number, FakeScheduleEvent>();
  readonly links: FakeScheduleEventResource[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly entries: FakeEntries;
  readonly notificationTemplates: FakeNotificationTemplates;
  private nextResourceId = 101;
  private nextEventId = 9001;

  constructor(
    private readonly partnerId: number,
    private readonly adminSecret: string,
    private readonly now: () => number,
  ) {
    this.entries = new FakeEntries(partnerId, () => this.seconds());
    this.notificationTemplates = new FakeNotificationTemplates(partnerId, () => this.seconds());
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Runs one action. Throws `FakeApiError` for API exceptions. */
  run(service: string, action: string, p: Params): unknown {
    const handlers: Record<string, Record<string, () => unknown>> = {
      session: { start: () => this.sessionStart(p) },
      user: { get: () => this.userGet(p), add: () => this.userAdd(p) },
      schedule_scheduleresource: {
        add: () => this.resourceAdd(p),
        get: () => this.resourceGet(p.scheduleResourceId),
        delete: () => this.resourceDelete(p),
        list: () => this.resourceList(p),
      },
      schedule_scheduleevent: {
        add: () => this.eventAdd(p),
        get: () => this.eventGet(p.scheduleEventId),
        cancel: () => this.eventCancel(p),
      },
      schedule_scheduleeventresource: { add: () => this.linkAdd(p) },
    };
    if (service === 'media') return this.entries.run(action, p);
    if (service === 'eventnotification_eventnotificationtemplate')
      return this.notificationTemplates.run(action, p);
    const actions = handlers[service];
    if (!actions) throw new FakeApiError('SERVICE_DOES_NOT_EXISTS', `Service "${service}" does not exist`);
    const handler = actions[action];
    if (!handler)
      throw new FakeApiError(
        'ACTION_DOES_NOT_EXISTS',
        `Action "${action}" does not exist for service "${service}"`,
      );
    return handler();
  }

  private sessionStart(p: Params): string {
    const partnerId = int(p.partnerId) ?? this.partnerId;
    if (str(p.secret) !== this.adminSecret || partnerId !== this.partnerId) {
      throw new FakeApiError(
        'START_SESSION_ERROR',
        `Error while starting session for partner [${partnerId}]`,
      );
    }
    const type = int(p.type) ?? KsType.USER;
    return mintKs({
      secret: this.adminSecret,
      partnerId,
      type: type === KsType.ADMIN ? KsType.ADMIN : KsType.USER,
      userId: str(p.userId) ?? '',
      privileges: str(p.privileges) ?? '',
      expiresIn: int(p.expiry) ?? 86400,
      now: this.seconds(),
    });
  }

  private userGet(p: Params): FakeUser {
    const id = str(p.userId) ?? '';
    const user = this.users.get(id);
    if (!user) throw new FakeApiError('INVALID_USER_ID', 'Invalid user id');
    return { ...user };
  }

  private userAdd(p: Params): FakeUser {
    const input = (p.user ?? {}) as Params;
    if (input.objectType !== undefined && input.objectType !== 'KalturaUser') {
      throw new FakeApiError('INVALID_OBJECT_TYPE', `Invalid object type "${String(input.objectType)}"`);
    }
    const id = notNull(str(input.id), 'id');
    if (!USER_ID.test(id))
      throw new FakeApiError('INVALID_FIELD_VALUE', 'The value for field "id" is invalid');
    if (this.users.has(id))
      throw new FakeApiError('DUPLICATE_USER_BY_ID', `User with id [${id}] already exists in system`);
    const user: FakeUser = {
      objectType: 'KalturaUser',
      partnerId: this.partnerId,
      id,
      screenName: str(input.screenName),
      firstName: str(input.firstName),
      lastName: str(input.lastName),
      email: str(input.email),
      status: 1,
      createdAt: this.seconds(),
    };
    this.users.set(id, user);
    return { ...user };
  }

  private resourceAdd(p: Params): FakeScheduleResource {
    const input = concreteObject(
      p.scheduleResource,
      'scheduleResource',
      'KalturaScheduleResource',
      CONCRETE_RESOURCES,
    );
    const now = this.seconds();
    const resource: FakeScheduleResource = {
      id: this.nextResourceId++,
      partnerId: this.partnerId,
      objectType: String(input.objectType),
      name: notNull(str(input.name), 'name'),
      description: str(input.description),
      systemName: str(input.systemName),
      tags: str(input.tags),
      status: 2,
      createdAt: now,
      updatedAt: now,
    };
    this.resources.set(resource.id, resource);
    return { ...resource };
  }

  private liveResource(id: unknown): FakeScheduleResource {
    const resource = this.resources.get(int(id) ?? NaN);
    // Deleted rows are invisible to the peer's default criteria, as on the server.
    if (!resource || resource.status === 3) {
      throw new FakeApiError('INVALID_OBJECT_ID', `Invalid object id [${String(id)}]`, { ID: id });
    }
    return resource;
  }

  private resourceGet(id: unknown): FakeScheduleResource {
    return { ...this.liveResource(id) };
  }

  private resourceDelete(p: Params): FakeScheduleResource {
    const resource = this.liveResource(p.scheduleResourceId);
    resource.status = 3;
    resource.updatedAt = this.seconds();
    return { ...resource };
  }

  private resourceList(p: Params): Params {
    const filter = (p.filter ?? {}) as Params;
    const pager = (p.pager ?? {}) as Params;
    const ids = str(filter.idIn)?.split(',').map(Number);
    const status = int(filter.statusEqual);
    const tagsLike = str(filter.tagsLike);
    const all = [...this.resources.values()].filter(
      (r) =>
        (status === undefined ? r.status !== 3 : r.status === status) &&
        (int(filter.idEqual) === undefined || r.id === int(filter.idEqual)) &&
        (!ids || ids.includes(r.id)) &&
        (!tagsLike || (r.tags ?? '').includes(tagsLike)),
    );
    const size = Math.min(int(pager.pageSize) ?? 30, 500);
    const index = Math.max(int(pager.pageIndex) ?? 1, 1);
    return {
      objectType: 'KalturaScheduleResourceListResponse',
      totalCount: all.length,
      objects: all.slice((index - 1) * size, index * size).map((r) => ({ ...r })),
    };
  }

  private eventAdd(p: Params): FakeScheduleEvent {
    const input = concreteObject(p.scheduleEvent, 'scheduleEvent', 'KalturaScheduleEvent', CONCRETE_EVENTS);
    const summary = notNull(str(input.summary), 'summary');
    const startDate = notNull(int(input.startDate), 'startDate');
    const endDate = notNull(int(input.endDate), 'endDate');
    const recurrenceType = notNull(int(input.recurrenceType), 'recurrenceType');
    if (![0, 1, 2].includes(recurrenceType)) {
      throw new FakeApiError(
        'INVALID_ENUM_VALUE',
        `Invalid enumeration value [${recurrenceType}] for recurrenceType`,
      );
    }
    if (endDate < startDate)
      throw new FakeApiError('INVALID_SCHEDULE_END_BEFORE_START', 'End date is before start date');
    const now = this.seconds();
    const event: FakeScheduleEvent = {
      id: this.nextEventId++,
      partnerId: this.partnerId,
      objectType: String(input.objectType),
      summary,
      description: str(input.description),
      referenceId: str(input.referenceId),
      templateEntryId: this.templateOf(input),
      startDate,
      endDate,
      recurrenceType,
      tags: str(input.tags),
      status: 2,
      createdAt: now,
      updatedAt: now,
    };
    this.events.set(event.id, event);
    return { ...event };
  }

  /**
   * `templateEntryId` names an existing entry of the partner (checked on add like the server's
   * `validateTemplateEntryId`; the exact check is unconfirmed: the fake answers `ENTRY_ID_NOT_FOUND`).
   */
  private templateOf(input: Params): string | undefined {
    const id = str(input.templateEntryId);
    if (id === undefined || id === '') return undefined;
    this.entries.live(id);
    return id;
  }

  private liveEvent(id: unknown): FakeScheduleEvent {
    const event = this.events.get(int(id) ?? NaN);
    if (!event || event.status === 3) {
      throw new FakeApiError('INVALID_OBJECT_ID', `Invalid object id [${String(id)}]`, { ID: id });
    }
    return event;
  }

  private eventGet(id: unknown): FakeScheduleEvent {
    return { ...this.liveEvent(id) };
  }

  /** Like the server: cancelling a cancelled event sets the status again and succeeds. */
  private eventCancel(p: Params): FakeScheduleEvent {
    const event = this.liveEvent(p.scheduleEventId);
    event.status = 1;
    event.updatedAt = this.seconds();
    return { ...event };
  }

  private linkAdd(p: Params): FakeScheduleEventResource {
    const input = p.scheduleEventResource;
    if (typeof input !== 'object' || input === null) {
      throw new FakeApiError('MISSING_MANDATORY_PARAMETER', 'Missing parameter "scheduleEventResource"');
    }
    const eventId = notNull(int((input as Params).eventId), 'eventId');
    const resourceId = notNull(int((input as Params).resourceId), 'resourceId');
    this.liveEvent(eventId);
    this.liveResource(resourceId);
    const link: FakeScheduleEventResource = {
      objectType: 'KalturaScheduleEventResource',
      partnerId: this.partnerId,
      eventId,
      resourceId,
      createdAt: this.seconds(),
    };
    this.links.push(link);
    return { ...link };
  }
}
