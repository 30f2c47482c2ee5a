import type { RedisConnections } from '../../platform/cache';
import { DeliveryQueue, createQueue } from '../notification';
import type { WebhooksOutOptions } from './webhooks-out.options';

/** The outgoing webhooks' own queue (a token of its own: the notification module's `DeliveryQueue` is another). */
export const WEBHOOKS_OUT_QUEUE = Symbol('WEBHOOKS_OUT_QUEUE');

/**
 * BullMQ on Redis when `REDIS_URL` is set (durable, shared by replicas), the in-process queue otherwise. The
 * handler decides when a delivery is dead (it counts attempts itself); the queue allows one more run so it never
 * gives up first.
 */
export function createWebhooksOutQueue(redis: RedisConnections, options: WebhooksOutOptions): DeliveryQueue {
  return createQueue(redis, 'webhooks-out', options, options.retry.maxAttempts + 1);
}
