/**
 * The outgoing webhooks module's public surface: import from here only.
 *
 * - `WebhooksOutModule`; `WebhookEndpointsService` (the REST use cases); `WebhookDispatcher.dispatch(event)`;
 * - options (`WEBHOOKS_OUT_OPTIONS`, `TARGET_RESOLVER` for tests), metric names;
 * - pure helpers: signing (`signWebhook`), the SSRF guard (`isPublicAddress`, `checkTargetUrl`, `resolveTarget`);
 * - the repository port and its adapters (contract tests).
 */
export { WebhooksOutModule } from './webhooks-out.module';
export { WebhookEndpointsService } from './webhook-endpoints.service';
export type { EndpointInput } from './webhook-endpoints.service';
export { WebhookDispatcher } from './webhook-dispatcher.service';
export { WebhookDeliveryService, classify } from './webhook-delivery.service';
export { WebhookSender, parseRetryAfter } from './webhook-sender';
export type { SendResult } from './webhook-sender';
export { DEFAULT_WEBHOOKS_OUT_OPTIONS, TARGET_RESOLVER, WEBHOOKS_OUT_OPTIONS } from './webhooks-out.options';
export type { WebhooksOutOptions } from './webhooks-out.options';
export { WEBHOOKS_OUT_METRICS } from './webhooks-out.metrics';
export type { WebhookAttemptOutcome } from './webhooks-out.metrics';
export { WEBHOOKS_OUT_QUEUE } from './webhooks-out.queue';
export { SECRET_PREFIX, generateWebhookSecret, signWebhook } from './domain/webhook-signature';
export {
  TargetRefusedError,
  checkTargetUrl,
  isPublicAddress,
  resolveTarget,
  systemResolver,
} from './domain/target-guard';
export type { Resolver, TargetPolicy } from './domain/target-guard';
export { EVENT_TYPE_PATTERN, viewOf } from './domain/webhook-endpoint';
export type { WebhookEndpoint, WebhookEndpointView } from './domain/webhook-endpoint';
export { webhookBody } from './domain/webhook-payload';
export type { OutgoingEvent } from './domain/webhook-payload';
export { WebhookEndpointRepository } from './webhook-endpoint.repository';
export { InMemoryWebhookEndpointRepository } from './persistence/memory-webhook-endpoint.repository';
export { MongoWebhookEndpointRepository } from './persistence/mongo-webhook-endpoint.repository';
