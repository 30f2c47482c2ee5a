import { ChannelsModule } from '../channels';
import { Module, Provider } from '@nestjs/common';
import { RedisConnections } from '../../platform/cache';
import { repositoryProvider } from '../../platform/persistence';
import { DiscordInvalidRequests } from '../../platform/metrics';
import { Settings } from '../../platform/settings';
import { GuildConfigModule } from '../config';
import { KalturaModule } from '../kaltura';
import { MeetingsModule } from '../meetings';
import { AttendanceRecorder } from './attendance-recorder.service';
import { AttendanceRepository } from './persistence/attendance.repository';
import { InMemoryAttendanceRepository } from './persistence/memory-attendance.repository';
import { MongoAttendanceRepository } from './persistence/mongo-attendance.repository';
import { ChannelSuspensions } from './discord-rest/channel-suspensions.service';
import { ChannelResolver } from './discord-rest/channel-resolver.service';
import { SuspensionNotices } from './discord-rest/suspension-notices.service';
import { DiscordMessages, RestDiscordMessages } from './discord-rest/discord-messages';
import { TrialOutbox } from './discord-rest/trial-outbox';
import { KalturaEventProcessor } from './kaltura-event.processor';
import { MeetingEventsListener } from './meeting-events.listener';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NotificationRuntime } from './notification-runtime.service';
import { notificationMetricProviders } from './notification.metrics';
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NOTIFICATION_OPTIONS,
  NotificationOptions,
} from './notification.options';
import { NotificationService } from './notification.service';
import { InMemoryMeetingDirectory } from './persistence/memory-meeting-directory.repository';
import { InMemoryNotificationRepository } from './persistence/memory-notification.repository';
import { InMemoryWebhookEventRepository } from './persistence/memory-webhook-event.repository';
import { MeetingDirectory } from './persistence/meeting-directory.repository';
import { MongoMeetingDirectory } from './persistence/mongo-meeting-directory.repository';
import { MongoNotificationRepository } from './persistence/mongo-notification.repository';
import { MongoWebhookEventRepository } from './persistence/mongo-webhook-event.repository';
import { NotificationRepository } from './persistence/notification.repository';
import { WebhookEventRepository } from './persistence/webhook-event.repository';
import { BullMqDeliveryQueue } from './queue/bullmq-delivery.queue';
import { DeliveryQueue } from './queue/delivery-queue.port';
import { InProcessDeliveryQueue } from './queue/in-process-delivery.queue';
import { RecordingAnnouncer } from './recording-announcer.service';
import { RecordingReconciler } from './recording-reconciler.service';
import { WebhookIntakeService } from './webhook-intake.service';

/** What a queue of this shape needs (the notification module's options and the outgoing webhooks' both carry it). */
export type DeliveryQueueSettings = Pick<
  NotificationOptions,
  'concurrency' | 'retry' | 'closeTimeoutMs' | 'queuePrefix' | 'queueName' | 'queueTimeoutMs'
> &
  Partial<Pick<NotificationOptions, 'lockDurationMs' | 'stalledIntervalMs' | 'maxStalledCount'>>;

/**
 * BullMQ on Redis when `REDIS_URL` is set (durable, shared by replicas), the in-process queue otherwise.
 * `name` names its Redis connections (`<name>-queue`, `<name>-worker`); `attempts`: runs the queue allows a job,
 * above the handler's own budget so the queue never gives up first.
 */
export function createQueue(
  redis: RedisConnections,
  name: string,
  options: DeliveryQueueSettings,
  attempts: number,
): DeliveryQueue {
  const common = {
    concurrency: options.concurrency,
    attempts,
    policy: options.retry,
    closeTimeoutMs: options.closeTimeoutMs,
  };
  if (!redis.enabled) return new InProcessDeliveryQueue(common);
  return new BullMqDeliveryQueue(
    redis.create(`${name}-queue`),
    // BullMQ workers block on Redis and must never give up a command: no per-request retry limit.
    redis.create(`${name}-worker`, { maxRetriesPerRequest: null }),
    {
      ...common,
      prefix: options.queuePrefix,
      name: options.queueName,
      operationTimeoutMs: options.queueTimeoutMs,
      lockDurationMs: options.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
      outage: redis.outage,
    },
  );
}

/** The notifications' queue: their own budget decides when one is dead; lease conflicts also count as runs. */
export function createDeliveryQueue(redis: RedisConnections, options: NotificationOptions): DeliveryQueue {
  return createQueue(redis, 'notification', options, options.retry.maxAttempts + 2);
}

const providers: Provider[] = [
  { provide: NOTIFICATION_OPTIONS, useValue: DEFAULT_NOTIFICATION_OPTIONS },
  repositoryProvider(NotificationRepository, {
    memory: () => new InMemoryNotificationRepository(),
    mongo: (connection) => new MongoNotificationRepository(connection),
  }),
  repositoryProvider(WebhookEventRepository, {
    memory: () => new InMemoryWebhookEventRepository(),
    mongo: (connection) => new MongoWebhookEventRepository(connection),
  }),
  repositoryProvider(MeetingDirectory, {
    memory: () => new InMemoryMeetingDirectory(),
    mongo: (connection) => new MongoMeetingDirectory(connection),
  }),
  repositoryProvider(AttendanceRepository, {
    memory: () => new InMemoryAttendanceRepository(),
    mongo: (connection) => new MongoAttendanceRepository(connection),
  }),
  {
    provide: DeliveryQueue,
    inject: [RedisConnections, NOTIFICATION_OPTIONS],
    useFactory: createDeliveryQueue,
  },
  {
    provide: DiscordMessages,
    inject: [Settings, NOTIFICATION_OPTIONS, DiscordInvalidRequests],
    useFactory: (settings: Settings, options: NotificationOptions, invalid: DiscordInvalidRequests) =>
      // Trial mode (development on embedded defaults): messages are kept and shown, never posted.
      settings.trial
        ? new TrialOutbox()
        : new RestDiscordMessages({
            watch: (rest) => invalid.watch(rest),
            apiUrl: settings.discord.apiUrl,
            token: settings.discord.token,
            requestTimeoutMs: options.requestTimeoutMs,
            rateLimitWaitMaxMs: options.rateLimitWaitMaxMs,
          }),
  },
  ...notificationMetricProviders(),
  ChannelResolver,
  ChannelSuspensions,
  SuspensionNotices,
  NotificationService,
  NotificationDeliveryService,
  KalturaEventProcessor,
  RecordingAnnouncer,
  RecordingReconciler,
  WebhookIntakeService,
  MeetingEventsListener,
  AttendanceRecorder,
  NotificationRuntime,
];

/**
 * Notifications: Kaltura webhook intake (`POST /api/v1/webhooks/kaltura`), meeting events → notifications,
 * durable delivery to Discord channels, and their status (`GET /api/v1/guilds/:guildId/notifications`).
 * Needs the platform's global providers (settings, persistence, cache, Redis, health, metrics, event emitter).
 */
@Module({
  imports: [GuildConfigModule, MeetingsModule, ChannelsModule, KalturaModule],
  providers,
  exports: [
    NotificationService,
    NotificationRepository,
    WebhookEventRepository,
    DeliveryQueue,
    WebhookIntakeService,
    DiscordMessages,
    RecordingReconciler,
    SuspensionNotices,
    AttendanceRepository,
    MeetingDirectory,
  ],
})
export class NotificationModule {}
