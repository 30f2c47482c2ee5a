import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import type { RedisConnections } from '../../../platform/cache';
import { createDeliveryQueue } from '../notification.module';
import { DEFAULT_NOTIFICATION_OPTIONS, NotificationOptions } from '../notification.options';
import { BullMqDeliveryQueue, BullMqQueueOptions } from './bullmq-delivery.queue';

// No Redis here: BullMQ's Queue and Worker are replaced by recorders of what they are built with.
jest.mock('bullmq', () => ({
  ...jest.requireActual<typeof import('bullmq')>('bullmq'),
  Queue: jest.fn().mockImplementation(() => ({ on: jest.fn(), close: jest.fn() })),
  Worker: jest.fn().mockImplementation(() => ({ on: jest.fn(), close: jest.fn() })),
}));

beforeAll(() => Logger.overrideLogger(false));
beforeEach(() => jest.clearAllMocks());

const base: BullMqQueueOptions = {
  prefix: 'kd:notification',
  name: 'delivery',
  concurrency: 5,
  attempts: 12,
  policy: { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 600_000, jitter: 0.2 },
  operationTimeoutMs: 3_000,
  closeTimeoutMs: 10_000,
};
const connection = {} as Redis;
const handler = async () => undefined;

/** The options the (single) BullMQ Worker was constructed with. */
function workerOptions(): Record<string, unknown> {
  const WorkerMock = Worker as unknown as jest.Mock;
  expect(WorkerMock).toHaveBeenCalledTimes(1);
  return WorkerMock.mock.calls[0][2] as Record<string, unknown>;
}

/** `createDeliveryQueue` on a stand-in for the platform's Redis connections (REDIS_URL set). */
function fromNotificationOptions(overrides: Partial<NotificationOptions> = {}) {
  const redis = { enabled: true, create: () => connection } as unknown as RedisConnections;
  return createDeliveryQueue(redis, { ...DEFAULT_NOTIFICATION_OPTIONS, ...overrides });
}

describe('BullMqDeliveryQueue stalled-job settings', () => {
  it('defaults to BullMQ’s own timings: 30 s lock, 30 s stalled check, one stall per job', () => {
    expect(DEFAULT_NOTIFICATION_OPTIONS).toMatchObject({
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 1,
    });
    const queue = fromNotificationOptions();
    expect(queue).toBeInstanceOf(BullMqDeliveryQueue);
    queue.start(handler);
    expect(workerOptions()).toMatchObject({
      prefix: 'kd:notification',
      concurrency: 5,
      lockDuration: 30_000,
      stalledInterval: 30_000,
      maxStalledCount: 1,
    });
    expect(Worker).toHaveBeenCalledWith('delivery', expect.any(Function), expect.anything());
  });

  it('hands NotificationOptions timings to the worker (not to the producer queue)', () => {
    fromNotificationOptions({ lockDurationMs: 2_500, stalledIntervalMs: 800, maxStalledCount: 3 }).start(
      handler,
    );
    expect(workerOptions()).toMatchObject({ lockDuration: 2_500, stalledInterval: 800, maxStalledCount: 3 });
    const queueOptions = (Queue as unknown as jest.Mock).mock.calls[0][1] as Record<string, unknown>;
    expect(queueOptions).not.toHaveProperty('lockDuration');
  });

  it('leaves BullMQ’s defaults alone when the queue is built without them', () => {
    new BullMqDeliveryQueue(connection, connection, base).start(handler);
    const options = workerOptions();
    // Absent, not `undefined`: an explicit undefined would override BullMQ's defaults with nothing.
    expect(options).not.toHaveProperty('lockDuration');
    expect(options).not.toHaveProperty('stalledInterval');
    expect(options).not.toHaveProperty('maxStalledCount');
  });

  it('accepts maxStalledCount 0 (a job held by a dead worker fails instead of running again)', () => {
    new BullMqDeliveryQueue(connection, connection, { ...base, maxStalledCount: 0 }).start(handler);
    expect(workerOptions()).toMatchObject({ maxStalledCount: 0 });
  });

  it.each<[Partial<BullMqQueueOptions>, RegExp]>([
    [{ lockDurationMs: 0 }, /lockDurationMs must be a positive integer/],
    [{ lockDurationMs: -1 }, /lockDurationMs/],
    [{ lockDurationMs: 1.5 }, /lockDurationMs/],
    [{ stalledIntervalMs: 0 }, /stalledIntervalMs must be a positive integer/],
    [{ stalledIntervalMs: Number.NaN }, /stalledIntervalMs/],
    [{ maxStalledCount: -1 }, /maxStalledCount must be an integer ≥ 0/],
    [{ maxStalledCount: 0.5 }, /maxStalledCount/],
  ])('refuses %j when built (at start-up, not at the first job)', (bad, message) => {
    expect(() => new BullMqDeliveryQueue(connection, connection, { ...base, ...bad })).toThrow(message);
    expect(() => fromNotificationOptions(bad as Partial<NotificationOptions>)).toThrow(message);
    expect(Worker).not.toHaveBeenCalled();
  });
});
