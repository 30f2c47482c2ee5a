/**
 * What an outgoing webhook carries: the fields of a bus event (`DomainEvent` of src/platform/events) that a
 * receiver needs. Kept structural so this module depends on the bus only where it subscribes to it.
 */
export interface OutgoingEvent {
  id: string;
  type: string;
  version: number;
  guildId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * The body: Standard Webhooks' recommended `type`, `timestamp`, `data`, plus the event's id, schema version and
 * guild. Serialized once per attempt and signed as sent.
 */
export function webhookBody(event: OutgoingEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    version: event.version,
    guildId: event.guildId,
    timestamp: event.occurredAt,
    data: event.data,
  });
}

/** A queued delivery: the event (a copy, so the job needs nothing else) and the endpoint it goes to. */
export interface WebhookJobRecord {
  endpointId: string;
  event: OutgoingEvent;
}

/** Reads a job's record back (it crossed Redis): null when it is not one. */
export function readJobRecord(value: unknown): WebhookJobRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { endpointId, event } = value as Partial<WebhookJobRecord>;
  if (typeof endpointId !== 'string' || typeof event !== 'object' || event === null) return null;
  const e = event as Partial<OutgoingEvent>;
  const ok =
    typeof e.id === 'string' &&
    typeof e.type === 'string' &&
    typeof e.version === 'number' &&
    typeof e.guildId === 'string' &&
    typeof e.occurredAt === 'string' &&
    typeof e.data === 'object' &&
    e.data !== null;
  return ok ? { endpointId, event: e as OutgoingEvent } : null;
}
