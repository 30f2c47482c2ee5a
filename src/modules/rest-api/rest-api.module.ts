import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { GuildConfigModule } from '../config';
import { MeetingsModule } from '../meetings';
import { NotificationModule } from '../notification';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { GuildConfigController } from './config.controller';
import { EventsController } from './events.controller';
import { DEFAULT_EVENT_STREAM_LIMITS, EVENT_STREAM_LIMITS, EventStreamHub } from './events/event-stream.hub';
import { KalturaWebhookController } from './kaltura-webhook.controller';
import { MeetingsController } from './meetings.controller';
import { MergePatchBodyMiddleware } from './merge-patch-body.middleware';
import { NotificationsController } from './notifications.controller';
import { WebhooksOutModule } from '../webhooks-out';
import { WebhooksController } from './webhooks.controller';

/**
 * The versioned REST API (`/api/v1/...`): every versioned controller, thin transports over the auth, meetings,
 * config and notification use cases. Guards, rate limits and tokens come from the (global) auth module and sit
 * on each controller as decorators, so no route depends on a guard found at run time; errors leave as
 * problem+json through the platform filter. Every body states `API_V1`.
 */
@Module({
  imports: [MeetingsModule, GuildConfigModule, NotificationModule, WebhooksOutModule],
  controllers: [
    AuthController,
    ApiKeysController,
    MeetingsController,
    GuildConfigController,
    NotificationsController,
    KalturaWebhookController,
    WebhooksController,
    EventsController,
  ],
  providers: [EventStreamHub, { provide: EVENT_STREAM_LIMITS, useValue: DEFAULT_EVENT_STREAM_LIMITS }],
})
export class RestApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MergePatchBodyMiddleware).forRoutes(GuildConfigController);
  }
}
