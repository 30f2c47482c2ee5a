import { ConsoleLogger, Logger, LoggerService } from '@nestjs/common';
import { BullMqDeliveryQueue } from '../../src/modules/notification/queue/bullmq-delivery.queue';
import { RedisConnections, createCacheStore } from '../../src/platform/cache';
import { loadSettings } from '../../src/platform/settings';
import { eventually } from '../support/eventually';
import { PrivateRedis } from './redis-server';

jest.setTimeout(60_000);

/**
 * A Redis outage under the delivery queue (BullMQ producer and worker on the platform's connections): one error
 * line when it starts, whatever the connections, the queue and the worker report meanwhile, and one line when it
 * is over. Before, each of them logged: about 1.7 error lines a second.
 */
describe('faults: one log line per Redis outage', () => {
  const lines: Array<{ level: string; text: string }> = [];
  const push =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) =>
      lines.push({ level, text: [message, ...rest].map((x) => JSON.stringify(x)).join(' ') });
  const capture: LoggerService = {
    log: push('info'),
    error: push('error'),
    warn: push('warn'),
    debug: () => undefined,
    verbose: () => undefined,
  };
  let redis: PrivateRedis;
  let connections: RedisConnections;
  let queue: BullMqDeliveryQueue;

  beforeAll(async () => {
    if (!PrivateRedis.available()) throw new Error('redis-server is needed for this suite');
    Logger.overrideLogger(capture);
    redis = await PrivateRedis.start();
    connections = new RedisConnections(loadSettings({ REDIS_URL: redis.url }));
    queue = new BullMqDeliveryQueue(
      connections.create('notification-queue'),
      connections.create('notification-worker', { maxRetriesPerRequest: null }),
      {
        prefix: 'kd:test-outage',
        name: 'delivery',
        concurrency: 1,
        attempts: 3,
        policy: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 100, jitter: 0 },
        operationTimeoutMs: 1_000,
        closeTimeoutMs: 1_000,
        outage: connections.outage,
      },
    );
    queue.start(async () => undefined);
    await connections.ping(2_000);
  });
  afterAll(async () => {
    await queue?.close().catch(() => undefined);
    await connections?.onApplicationShutdown();
    await redis?.kill();
    Logger.overrideLogger(new ConsoleLogger());
  });

  it('logs the outage once, counts the rest, and logs the recovery once', async () => {
    lines.length = 0;
    await redis.kill();
    // The cache store has a client of its own: its errors count into the same outage.
    const cache = createCacheStore(loadSettings({ REDIS_URL: redis.url }), new Logger('cache'), {
      log: connections.outage,
    });
    for (let i = 0; i < 3; i++) await cache.get(`kd:test:${i}`).catch(() => undefined);
    // Wait on the errors themselves: a dozen reports from the connections, the queue, the worker and the cache.
    await eventually(() => connections.outage.count >= 12, 30_000, 'a dozen Redis errors');
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].text).toContain('Redis unreachable');

    await redis.up();
    await eventually(() => !connections.outage.active, 30_000, 'every connection back');
    const recovered = lines.filter((l) => l.text.includes('Redis reachable again'));
    expect(recovered).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    await cache.disconnect().catch(() => undefined);
  });
});
