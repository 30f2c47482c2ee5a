/**
 * The notification module's public surface: import from here only.
 *
 * - `NotificationModule`: webhook intake, meeting events → notifications, durable delivery, status API;
 * - `NotificationService.notify()` to raise a notification from another module;
 * - attendance (who took a personal link, per meeting): `AttendanceRepository` and the summary builder;
 * - the repository and queue ports with their adapters (for contract tests and tools);
 * - pure helpers: webhook signatures, body parsing, event mapping, template rendering and escaping;
 * - options (`NOTIFICATION_OPTIONS`) and metric names;
 * - `ChannelSuspensions` (state in the shared cache, so any module may provide its own instance): channels that
 *   refused a post (403 50001/50013, 404 10003) and get no more requests for a while.
 */
export {
  NotificationModule,
  createDeliveryQueue,
  createQueue,
  type DeliveryQueueSettings,
} from './notification.module';
export { NotificationService, NO_CHANNEL_REASON, NO_TOKEN_REASON } from './notification.service';
export type { NotifyInput } from './notification.service';
export { TrialOutbox } from './discord-rest/trial-outbox';
export type { TrialMessage } from './discord-rest/trial-outbox';
export { NotificationDeliveryService } from './notification-delivery.service';
export { NotificationRuntime } from './notification-runtime.service';
export { WebhookIntakeService } from './webhook-intake.service';
export { RecordingReconciler } from './recording-reconciler.service';
export type { WebhookReceipt, WebhookRequest } from './webhook-intake.service';
export { DEFAULT_NOTIFICATION_OPTIONS, NOTIFICATION_OPTIONS, leaseMs } from './notification.options';
export type { NotificationOptions } from './notification.options';
export { NOTIFICATION_METRICS } from './notification.metrics';
export type {
  AttemptOutcome,
  NotificationOutcome,
  SuspensionNoticeOutcome,
  WebhookOutcome,
} from './notification.metrics';
export type {
  MeetingRef,
  NotificationRecord,
  NotificationSource,
  NotificationStatus,
  WebhookEventRecord,
  WebhookEventStatus,
} from './domain/notification.types';
export { NOTIFICATION_STATUSES, WEBHOOK_EVENT_STATUSES } from './domain/notification.types';
export type {
  KalturaEventMapping,
  KalturaWebhookPayload,
  WebhookBodyFormat,
} from './domain/kaltura-event.types';
export { classifyKalturaEvent } from './domain/kaltura-event.classifier';
export { parseWebhookBody } from './domain/webhook-payload';
export { WEBHOOK_HASH_ALGORITHMS, signWebhookBody, verifyWebhookSignature } from './domain/webhook-signature';
export type { SignatureCheck, WebhookHashAlgorithm } from './domain/webhook-signature';
export { escapeDiscordText, safeUrl, DISCORD_CONTENT_LIMIT } from './domain/discord-text';
export { renderTemplate } from './domain/template-renderer';
export { notificationId, webhookEventId, encodeCursor, decodeCursor } from './domain/ids';
export type { ListCursor } from './domain/ids';
export { retryDelayMs } from './domain/retry-policy';
export type { RetryPolicy } from './domain/retry-policy';
export { NotificationRepository } from './persistence/notification.repository';
export type { NotificationListQuery, NotificationPage } from './persistence/notification.repository';
export { InMemoryNotificationRepository } from './persistence/memory-notification.repository';
export { MongoNotificationRepository } from './persistence/mongo-notification.repository';
export { WebhookEventRepository } from './persistence/webhook-event.repository';
export { InMemoryWebhookEventRepository } from './persistence/memory-webhook-event.repository';
export { MongoWebhookEventRepository } from './persistence/mongo-webhook-event.repository';
export { AttendanceRepository } from './persistence/attendance.repository';
export type { LinkTaken } from './persistence/attendance.repository';
export { InMemoryAttendanceRepository } from './persistence/memory-attendance.repository';
export { MongoAttendanceRepository } from './persistence/mongo-attendance.repository';
export { AttendanceRecorder } from './attendance-recorder.service';
export {
  ATTENDANCE_CAP_PER_MEETING,
  ATTENDANCE_CSV_NAME,
  INLINE_NAMES_CHARS,
  INLINE_NAMES_MAX,
  attendanceCsv,
  attendanceSummary,
  csvField,
} from './domain/attendance';
export type { Attendee, AttendanceSummary, NotificationAttachment } from './domain/attendance';
export { MeetingDirectory, RECORDINGS_PER_MEETING_MAX } from './persistence/meeting-directory.repository';
export { InMemoryMeetingDirectory } from './persistence/memory-meeting-directory.repository';
export { MongoMeetingDirectory } from './persistence/mongo-meeting-directory.repository';
export { DeliveryQueue, DropJobError, RetryJobError, jobIdOf } from './queue/delivery-queue.port';
export type { JobContext, JobHandler, QueueJob } from './queue/delivery-queue.port';
export { InProcessDeliveryQueue } from './queue/in-process-delivery.queue';
export { BullMqDeliveryQueue } from './queue/bullmq-delivery.queue';
export type { BullMqQueueOptions } from './queue/bullmq-delivery.queue';
export { DiscordMessages, RestDiscordMessages, messageBody } from './discord-rest/discord-messages';
export type { DiscordChannelInfo, OutgoingMessage } from './discord-rest/discord-messages';
export { classifyDiscordError } from './discord-rest/discord-errors';
export { CHANNEL_SUSPENSION_MS, ChannelSuspensions } from './discord-rest/channel-suspensions.service';
export type { DiscordFailure } from './discord-rest/discord-errors';
export { SuspensionNotices } from './discord-rest/suspension-notices.service';
