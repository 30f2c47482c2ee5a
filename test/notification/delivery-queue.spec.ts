import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { BullMqDeliveryQueue, InProcessDeliveryQueue } from '../../src/modules/notification';
import { deliveryQueueContract } from '../contracts/delivery-queue.contract';
import { describeWithRedis, redisUrlForDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';

/** The notification suites' own Redis database (parallel jest workers must not share one). */
const REDIS_DB = REDIS_DBS.deliveryQueue;
const policy = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100, jitter: 0 };

beforeAll(() => Logger.overrideLogger(['error']));

deliveryQueueContract('in-process', async () => {
  const queue = new InProcessDeliveryQueue({ concurrency: 4, attempts: 5, policy, closeTimeoutMs: 2_000 });
  return { queue, close: () => queue.close() };
});

describeWithRedis('with Redis', () => {
  deliveryQueueContract('bullmq', async () => {
    const url = redisUrlForDb(REDIS_DB);
    const producer = new Redis(url);
    const worker = new Redis(url, { maxRetriesPerRequest: null });
    const prefix = `kd:notification:test-${randomUUID()}`;
    const queue = new BullMqDeliveryQueue(producer, worker, {
      prefix,
      name: 'delivery',
      concurrency: 4,
      attempts: 5,
      policy,
      operationTimeoutMs: 3_000,
      closeTimeoutMs: 3_000,
    });
    return {
      queue,
      close: async () => {
        await queue.close();
        const keys = await producer.keys(`${prefix}:*`);
        if (keys.length) await producer.del(...keys);
        await producer.quit();
        await worker.quit();
      },
    };
  });
});
