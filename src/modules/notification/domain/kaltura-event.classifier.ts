import type { KalturaEventMapping, KalturaWebhookPayload } from './kaltura-event.types';

/** Kaltura enum values the mapping relies on (kaltura/server). */
export const KALTURA_EVENT_TYPE = {
  OBJECT_ADDED: '2',
  OBJECT_CHANGED: '3',
  OBJECT_CREATED: '5',
  OBJECT_DELETED: '7',
};
export const KALTURA_EVENT_OBJECT_TYPE = { ENTRY: '1', LIVE_STREAM: '38' };
export const ENTRY_STATUS_READY = 2;
export const SCHEDULE_EVENT_STATUS = { CANCELLED: 1, ACTIVE: 2, DELETED: 3 };
export const SCHEDULE_RESOURCE_STATUS_DELETED = 3;

/** First present field among `keys` (field-data templates name things their own way). */
function pick(object: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys)
    if (object[key] !== undefined && object[key] !== null && object[key] !== '') return object[key];
  return undefined;
}

/** A number or a numeric string → number; anything else → null. */
export function toInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value);
  return null;
}

function toText(value: unknown, max = 500): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text.slice(0, max);
}

const isEntryObject = (objectType: string) =>
  /Entry$/.test(objectType) && !/LiveStream|LiveChannel/.test(objectType);

/**
 * Decides what a Kaltura event means for the service. Pure: the same payload always maps the same way.
 * - recording ready: an ENTRY whose status is READY (changed, added or created; field templates send no event
 *   type), later traced to a meeting through the admin tags and partner data it copied from the template;
 * - a schedule event cancelled or deleted → the meeting ended outside Discord;
 * - a schedule resource (the room) deleted → the same, found by resource id;
 * - anything else is `unmapped`, with the reason.
 */
export function classifyKalturaEvent(payload: KalturaWebhookPayload): KalturaEventMapping {
  const object = payload.object;
  const objectType = toText(object.objectType, 200) ?? '';
  const eventType = payload.eventType;
  const eventObjectType = payload.eventObjectType ?? '';
  const deleted = eventType === KALTURA_EVENT_TYPE.OBJECT_DELETED;

  if (payload.format === 'empty') return { kind: 'unmapped', reason: 'empty body' };

  const entryLike =
    eventObjectType === KALTURA_EVENT_OBJECT_TYPE.ENTRY ||
    isEntryObject(objectType) ||
    (payload.format === 'form' && pick(object, 'entryId', 'entry_id') !== undefined);
  if (entryLike) {
    const status = toInt(pick(object, 'status', 'entryStatus', 'entry_status'));
    const entryId = toText(pick(object, 'id', 'entryId', 'entry_id'), 100);
    const changeEvent =
      eventType === undefined ||
      [
        KALTURA_EVENT_TYPE.OBJECT_CHANGED,
        KALTURA_EVENT_TYPE.OBJECT_ADDED,
        KALTURA_EVENT_TYPE.OBJECT_CREATED,
      ].includes(eventType);
    if (!entryId) return { kind: 'unmapped', reason: 'entry event without an entry id' };
    if (status !== ENTRY_STATUS_READY || !changeEvent) {
      return { kind: 'unmapped', reason: 'entry event that is not a ready recording' };
    }
    const duration = toInt(pick(object, 'duration', 'entryDuration', 'entry_duration'));
    return {
      kind: 'recording_ready',
      entryId,
      name: toText(pick(object, 'name', 'entryName', 'entry_name'), 500),
      // Not referenceId: Kaltura does not copy it from the template onto the recording (entry::copyTemplate).
      adminTags: toText(pick(object, 'adminTags', 'admin_tags', 'entryAdminTags'), 2_000),
      partnerData: toText(pick(object, 'partnerData', 'partner_data', 'entryPartnerData'), 4_000),
      durationSeconds: duration !== null && duration >= 0 ? duration : null,
    };
  }

  if (/ScheduleEvent$/.test(objectType) || /ScheduleEvent$/.test(eventObjectType)) {
    const status = toInt(pick(object, 'status'));
    if (deleted || status === SCHEDULE_EVENT_STATUS.CANCELLED || status === SCHEDULE_EVENT_STATUS.DELETED) {
      return {
        kind: 'schedule_event_ended',
        eventId: toInt(pick(object, 'id', 'eventId')),
        referenceId: toText(pick(object, 'referenceId', 'reference_id'), 200),
      };
    }
    return { kind: 'unmapped', reason: 'schedule event that did not end' };
  }

  if (/ScheduleResource$/.test(objectType) || /ScheduleResource$/.test(eventObjectType)) {
    const resourceId = toInt(pick(object, 'id', 'resourceId'));
    const status = toInt(pick(object, 'status'));
    if ((deleted || status === SCHEDULE_RESOURCE_STATUS_DELETED) && resourceId !== null) {
      return { kind: 'schedule_resource_deleted', resourceId };
    }
    return { kind: 'unmapped', reason: 'schedule resource that was not deleted' };
  }

  return { kind: 'unmapped', reason: 'no mapping for this event' };
}
