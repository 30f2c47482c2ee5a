import type { NotificationType } from '../../config';
import type { NotificationAttachment } from './attendance';
import type { KalturaEventMapping, WebhookBodyFormat } from './kaltura-event.types';

/**
 * Delivery state of one notification:
 * - `pending`: stored, waiting for its first attempt;
 * - `failed`: the last attempt failed and another one is scheduled;
 * - `sent`: posted, `messageId` recorded;
 * - `dead`: given up (permanent Discord refusal or attempts exhausted); kept for inspection;
 * - `skipped`: nothing will be posted (no bot token, no channel), with the reason in `lastError`.
 */
export const NOTIFICATION_STATUSES = ['pending', 'failed', 'sent', 'dead', 'skipped'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Where a notification came from. */
export type NotificationSource = 'domain' | 'kaltura';

/** One notification and its delivery status, as stored. */
export interface NotificationRecord {
  /** Deterministic (derived from what it notifies about): also the queue job id and the Discord nonce. */
  id: string;
  guildId: string;
  type: NotificationType;
  status: NotificationStatus;
  meetingId: string | null;
  /** The configured channel (id or name) or the meeting's channel id. */
  channelRef: string | null;
  /** The channel id it was (or is being) posted to, once resolved. */
  channelId: string | null;
  /** Rendered message content (placeholders filled with escaped values, cut to Discord's limit). */
  content: string;
  /** Whether the guild allowed this message to ping; false → `allowed_mentions: { parse: [] }`. */
  allowMentions: boolean;
  /** A file posted with the message (the attendance CSV); absent or null for most notifications. */
  attachment?: NotificationAttachment | null;
  source: NotificationSource;
  /** The webhook event it came from, when `source` is `kaltura`. */
  sourceEventId: string | null;
  /** HTTP attempts made so far. */
  attempts: number;
  /** Why the last attempt failed, or why it was skipped; never holds secrets. */
  lastError: string | null;
  messageId: string | null;
  /** While set and in the future, one worker owns the delivery: no other may post. */
  leaseUntil: Date | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

/** Processing state of a stored webhook event. */
export const WEBHOOK_EVENT_STATUSES = ['received', 'processed', 'ignored', 'failed'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/** A Kaltura webhook as stored, once per idempotency key. */
export interface WebhookEventRecord {
  /** `job-<eventNotificationJobId>`, or `body-<sha256 prefix>` when Kaltura sent no job id. */
  id: string;
  jobId: string | null;
  receivedAt: Date;
  format: WebhookBodyFormat;
  eventType: string | null;
  eventObjectType: string | null;
  objectType: string | null;
  templateSystemName: string | null;
  /** What the event means for the service, decided at intake. */
  mapping: KalturaEventMapping;
  status: WebhookEventStatus;
  /** Outcome of processing (e.g. `notified`, `unknown meeting`), for operators. */
  outcome: string | null;
  attempts: number;
  processedAt: Date | null;
}

/** What the notification module remembers of a meeting, so Kaltura events can be traced back to it. */
export interface MeetingRef {
  meetingId: string;
  guildId: string;
  channelId: string | null;
  title: string;
  type: string;
  description: string | null;
  hostId: string;
  hostName: string;
  resourceId: number | null;
  eventId: number | null;
  createdAt: Date;
  endedAt: Date | null;
}
