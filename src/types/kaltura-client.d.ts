/**
 * Minimal typings for kaltura-client 21.20.0 (the package ships none): only what src/modules/kaltura uses.
 * Shapes read from node_modules/kaltura-client/KalturaClientBase.js and KalturaServices.js.
 */
declare module 'kaltura-client' {
  /** The client logs through this; a logger that is not an `ILogger` instance silences the client entirely. */
  export class ILogger {
    log(msg: string): void;
    error(msg: string): void;
    debug(msg: string): void;
  }

  export class Configuration {
    serviceUrl: string;
    serviceBase: string;
    /** axios timeout, milliseconds (default 30000). */
    timeout: number;
    setLogger(logger: ILogger): void;
    getLogger(): ILogger;
  }

  export class RequestData {
    setKs(ks: string): this;
    getKs(): string | undefined;
    setPartnerId(partnerId: number): this;
    setClientTag(clientTag: string): this;
  }

  export type Completion = (success: boolean, result: unknown) => void;

  export class RequestBuilder extends RequestData {
    service: string;
    action: string;
    /** Resolves with the parsed JSON result; rejects with the KalturaAPIException object or an axios error. */
    execute(client: Client): Promise<unknown>;
  }

  export class MultiRequestBuilder extends RequestBuilder {
    constructor();
    requests: RequestBuilder[];
    /** Internal dispatcher the HTTP layer calls with (success, parsed body). */
    callback: Completion | null;
    /** The caller's completion (the promise's resolve/reject when `execute` is awaited). */
    generalCallback: Completion | null;
    add(request: RequestBuilder): this;
  }

  export class ClientBase extends RequestData {
    constructor(config: Configuration);
    getConfig(): Configuration;
  }

  export class Client extends ClientBase {}

  export class BaseObject {
    constructor(object?: Record<string, unknown> | null);
    objectType: string;
  }

  export namespace objects {
    class ScheduleResource extends BaseObject {}
    class LocationScheduleResource extends ScheduleResource {}
    class ScheduleEvent extends BaseObject {}
    class EntryScheduleEvent extends ScheduleEvent {}
    class RecordScheduleEvent extends EntryScheduleEvent {}
    class ScheduleEventResource extends BaseObject {}
    class BaseUser extends BaseObject {}
    class User extends BaseUser {}
    class BaseEntry extends BaseObject {}
    class PlayableEntry extends BaseEntry {}
    class MediaEntry extends PlayableEntry {}
    class MediaEntryFilter extends BaseObject {}
    class FilterPager extends BaseObject {}
    class EventNotificationTemplate extends BaseObject {}
    class HttpNotificationTemplate extends EventNotificationTemplate {}
    class EventNotificationTemplateFilter extends BaseObject {}
  }

  export namespace services {
    class session {
      static start(
        secret: string,
        userId?: string,
        type?: number,
        partnerId?: number | null,
        expiry?: number,
        privileges?: string | null,
      ): RequestBuilder;
    }
    class user {
      static get(userId?: string | null): RequestBuilder;
      static add(user: objects.User): RequestBuilder;
    }
    class scheduleResource {
      static add(scheduleResource: objects.ScheduleResource): RequestBuilder;
      static get(scheduleResourceId: number): RequestBuilder;
      static deleteAction(scheduleResourceId: number): RequestBuilder;
      static listAction(
        filter?: Record<string, unknown> | null,
        pager?: Record<string, unknown> | null,
      ): RequestBuilder;
    }
    class scheduleEvent {
      static add(scheduleEvent: objects.ScheduleEvent): RequestBuilder;
      static get(scheduleEventId: number): RequestBuilder;
      static cancel(scheduleEventId: number): RequestBuilder;
    }
    class scheduleEventResource {
      static add(scheduleEventResource: objects.ScheduleEventResource): RequestBuilder;
    }
    class media {
      static add(entry: objects.MediaEntry): RequestBuilder;
      static deleteAction(entryId: string): RequestBuilder;
      static listAction(
        filter?: objects.MediaEntryFilter | null,
        pager?: objects.FilterPager | null,
      ): RequestBuilder;
    }
    class eventNotificationTemplate {
      static listTemplates(
        filter?: objects.EventNotificationTemplateFilter | null,
        pager?: objects.FilterPager | null,
      ): RequestBuilder;
      static listAction(
        filter?: objects.EventNotificationTemplateFilter | null,
        pager?: objects.FilterPager | null,
      ): RequestBuilder;
      static cloneAction(
        id: number,
        eventNotificationTemplate?: objects.EventNotificationTemplate | null,
      ): RequestBuilder;
      static update(id: number, eventNotificationTemplate: objects.EventNotificationTemplate): RequestBuilder;
      static updateStatus(id: number, status: number): RequestBuilder;
    }
  }

  export namespace enums {
    const ScheduleEventRecurrenceType: { NONE: 0; RECURRING: 1; RECURRENCE: 2 };
    const ScheduleEventStatus: { CANCELLED: 1; ACTIVE: 2; DELETED: 3 };
    const ScheduleResourceStatus: { DISABLED: 1; ACTIVE: 2; DELETED: 3 };
    const SessionType: { USER: 0; ADMIN: 2 };
    const MediaType: { VIDEO: 1 };
    const EntryStatus: { READY: '2' };
    const EventNotificationTemplateStatus: { DISABLED: 1; ACTIVE: 2; DELETED: 3 };
  }
}
