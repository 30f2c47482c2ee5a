/** Who may see an event on a stream: viewers see `viewer` events only, admins see both (viewer ⊂ admin). */
export type EventAudience = 'viewer' | 'admin';

/**
 * A domain event as it travels on the cluster bus, the SSE stream, the WebSocket and outgoing webhooks.
 * `data` never carries a secret or a join link; its shape per `type` and `version` is in ./schemas.
 */
export interface DomainEvent<T = Record<string, unknown>> {
  /** Unique and stable across replicas and retries (uuid v7: sortable by time). */
  id: string;
  /** e.g. `meeting.created`; the catalogue is EVENT_TYPES in ./schemas. */
  type: string;
  /** Payload schema version, starts at 1. */
  version: number;
  guildId: string;
  /** ISO-8601, set by the bus when publishing. */
  occurredAt: string;
  audience: EventAudience;
  data: T;
  /**
   * Position in the guild's bounded replay log (the SSE `id:` line and `Last-Event-ID`): a Redis stream entry id
   * with Redis, a counter in process memory without. Always set on events the bus delivers or replays.
   */
  cursor?: string;
}

/** What `EventBus.publish` takes: the bus stamps `id`, `occurredAt` and `cursor`. */
export type NewDomainEvent<T = Record<string, unknown>> = Omit<
  DomainEvent<T>,
  'id' | 'occurredAt' | 'cursor'
>;

/** How an event reached this replica. */
export interface EventDelivery {
  /** True on the replica that published it. */
  local: boolean;
}

/** May `audience` see an event? */
export function visibleTo(event: Pick<DomainEvent, 'audience'>, audience: EventAudience): boolean {
  return audience === 'admin' || event.audience === 'viewer';
}
