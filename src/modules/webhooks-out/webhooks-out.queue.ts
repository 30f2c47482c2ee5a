import type { RedisConnections } from '../../platform/cache';
import { BullMqDeliveryQueue, DeliveryQueue, InProcessDeliveryQueue } from '../notification';
import type { WebhooksOutOptions } from './webhooks-out.options';

/** The outgoing webhooks' own queue (a token of its own: the notification module's `DeliveryQueue` is another). */
export const WEBHOOKS_OUT_QUEUE = Symbol('WEBHOOKS_OUT_QUEUE');

/** BullMQ on Redis when `REDIS_URL` is set (durable, shared by replicas), the in-process queue otherwise. */
export function createWebhooksOutQueue(redis: RedisConnections, options: WebhooksOutOptions): DeliveryQueue {
  const common = {
    concurrency: options.concurrency,
    // The handler decides when a delivery is dead (it counts attempts itself); the queue allows one more run so it
    // never gives up first.
    attempts: options.retry.maxAttempts + 1,
    policy: options.retry,
    closeTimeoutMs: options.closeTimeoutMs,
  };
  if (!redis.enabled) return new InProcessDeliveryQueue(common);
  return new BullMqDeliveryQueue(
    redis.create('webhooks-out-queue'),
    redis.create('webhooks-out-worker', { maxRetriesPerRequest: null }),
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
