import { NOTIFICATION_TYPES } from '../../config';
import {
  NOTIFICATION_STATUSES,
  NotificationRecord,
  WEBHOOK_EVENT_STATUSES,
  WebhookEventRecord,
} from './notification.types';

/**
 * Queue jobs carry a copy of the record they act on, so a worker whose store has lost it (a restart on
 * in-memory storage with the Redis queue) can still do the job. Copies come back through JSON: dates are
 * strings and nothing is trusted until checked.
 */

type Raw = Record<string, unknown>;
const MAPPING_KINDS: readonly unknown[] = [
  'recording_ready',
  'schedule_event_ended',
  'schedule_resource_deleted',
  'unmapped',
];
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

function date(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : new Date(v.getTime());
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** A notification from a job's copy, reset to a deliverable state; null when the copy is not one. */
export function reviveNotification(raw: unknown): NotificationRecord | null {
  if (!isObject(raw)) return null;
  const r = raw;
  const createdAt = date(r.createdAt);
  if (
    !str(r.id) ||
    !/^[a-f0-9]{24}$/.test(r.id) ||
    !str(r.guildId) ||
    !(NOTIFICATION_TYPES as readonly unknown[]).includes(r.type) ||
    !(NOTIFICATION_STATUSES as readonly unknown[]).includes(r.status) ||
    !strOrNull(r.meetingId) ||
    !strOrNull(r.channelRef) ||
    !str(r.content) ||
    typeof r.allowMentions !== 'boolean' ||
    (r.source !== 'domain' && r.source !== 'kaltura') ||
    !createdAt
  ) {
    return null;
  }
  return {
    id: r.id,
    guildId: r.guildId,
    type: r.type as NotificationRecord['type'],
    // Whatever the copy says, this store has no trace of it: it is still to be delivered.
    status: 'pending',
    meetingId: r.meetingId,
    channelRef: r.channelRef,
    channelId: null,
    content: r.content,
    allowMentions: r.allowMentions,
    source: r.source,
    sourceEventId: strOrNull(r.sourceEventId) ? r.sourceEventId : null,
    attempts: typeof r.attempts === 'number' && r.attempts >= 0 ? Math.floor(r.attempts) : 0,
    lastError: null,
    messageId: null,
    leaseUntil: null,
    nextAttemptAt: null,
    createdAt,
    updatedAt: new Date(),
    sentAt: null,
  };
}

/** A webhook event from a job's copy, still to be processed; null when the copy is not one. */
export function reviveWebhookEvent(raw: unknown): WebhookEventRecord | null {
  if (!isObject(raw)) return null;
  const r = raw;
  const receivedAt = date(r.receivedAt);
  const mapping = r.mapping;
  if (
    !str(r.id) ||
    !/^(job|body)-[A-Za-z0-9]+$/.test(r.id) ||
    !receivedAt ||
    !isObject(mapping) ||
    !MAPPING_KINDS.includes(mapping.kind as string) ||
    !(WEBHOOK_EVENT_STATUSES as readonly unknown[]).includes(r.status)
  ) {
    return null;
  }
  return {
    id: r.id,
    jobId: strOrNull(r.jobId) ? r.jobId : null,
    receivedAt,
    format: (['json', 'data-json', 'form', 'empty'] as const).find((f) => f === r.format) ?? 'json',
    eventType: strOrNull(r.eventType) ? r.eventType : null,
    eventObjectType: strOrNull(r.eventObjectType) ? r.eventObjectType : null,
    objectType: strOrNull(r.objectType) ? r.objectType : null,
    templateSystemName: strOrNull(r.templateSystemName) ? r.templateSystemName : null,
    mapping: mapping as unknown as WebhookEventRecord['mapping'],
    status: 'received',
    outcome: null,
    attempts: 0,
    processedAt: null,
  };
}
