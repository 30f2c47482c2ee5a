import { Module, Provider } from '@nestjs/common';
import { RedisConnections } from '../../platform/cache';
import { repositoryProvider } from '../../platform/persistence';
import { Settings } from '../../platform/settings';
import { NotificationModule } from '../notification';
import { systemResolver } from './domain/target-guard';
import type { Resolver } from './domain/target-guard';
import { InMemoryWebhookEndpointRepository } from './persistence/memory-webhook-endpoint.repository';
import { MongoWebhookEndpointRepository } from './persistence/mongo-webhook-endpoint.repository';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookSender } from './webhook-sender';
import { webhooksOutMetricProviders } from './webhooks-out.metrics';
import {
  DEFAULT_WEBHOOKS_OUT_OPTIONS,
  TARGET_RESOLVER,
  WEBHOOKS_OUT_OPTIONS,
  WebhooksOutOptions,
} from './webhooks-out.options';
import { WEBHOOKS_OUT_QUEUE, createWebhooksOutQueue } from './webhooks-out.queue';
import { WebhooksOutRuntime } from './webhooks-out.runtime';

const providers: Provider[] = [
  { provide: WEBHOOKS_OUT_OPTIONS, useValue: DEFAULT_WEBHOOKS_OUT_OPTIONS },
  { provide: TARGET_RESOLVER, useValue: systemResolver },
  repositoryProvider(WebhookEndpointRepository, {
    memory: () => new InMemoryWebhookEndpointRepository(),
    mongo: (connection) => new MongoWebhookEndpointRepository(connection),
  }),
  {
    provide: WEBHOOKS_OUT_QUEUE,
    inject: [RedisConnections, WEBHOOKS_OUT_OPTIONS],
    useFactory: createWebhooksOutQueue,
  },
  {
    provide: WebhookSender,
    inject: [Settings, WEBHOOKS_OUT_OPTIONS, TARGET_RESOLVER],
    useFactory: (settings: Settings, options: WebhooksOutOptions, resolve: Resolver) =>
      new WebhookSender({
        timeoutMs: options.requestTimeoutMs,
        policy: { allowPrivate: settings.webhooksOut.allowPrivate },
        resolve,
      }),
  },
  ...webhooksOutMetricProviders(),
  WebhookDispatcher,
  WebhookDeliveryService,
  WebhookEndpointsService,
  WebhooksOutRuntime,
];

/**
 * Outgoing webhooks: guild admins' endpoints (`/api/v1/guilds/:guildId/webhooks`), and the signed, durable,
 * SSRF-safe delivery of the guild's domain events to them (Standard Webhooks). Needs the platform's global
 * providers (settings, persistence, Redis, health, metrics) and the notification module's queue and admin notices.
 */
@Module({
  imports: [NotificationModule],
  providers,
  exports: [WebhookEndpointsService, WebhookDispatcher],
})
export class WebhooksOutModule {}
