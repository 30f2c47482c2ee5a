import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DEFAULT_WEBHOOKS_OUT_OPTIONS, generateWebhookSecret } from '../../src/modules/webhooks-out';
import { eventually } from '../support/eventually';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';
import { Receiver, verifyStandardWebhook } from './support';

jest.setTimeout(60_000);

const REDIS_DB = REDIS_DBS.webhooksOutKill;
const CHILD = join(__dirname, 'delivery-child.js');
const BUILT = join(__dirname, '..', '..', 'dist', 'modules', 'webhooks-out', 'index.js');
/** Short stalled-job timings: the dead worker's job is taken over within seconds. Timeout longer than the test. */
const OPTIONS = {
  lockDurationMs: 2_000,
  stalledIntervalMs: 500,
  requestTimeoutMs: 60_000,
  retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 200, jitter: 0 },
};
const running = new Set<ChildProcess>();

function startChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD], {
    env: { PATH: process.env.PATH ?? '', KD_TEST_WEBHOOKS_OUT_OPTIONS: JSON.stringify(OPTIONS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ready:\n${out}`)));
  });
}

/**
 * The worker is SIGKILLed while a delivery is in flight (the receiver got the request and never answered): the
 * BullMQ job stays active under the dead worker's lock. Another worker on the same Redis takes it over and delivers
 * it again, with the same `webhook-id` (so the receiver can tell it is the same event) and a valid signature.
 */
describeWithRedis('outgoing webhooks: the worker killed mid-delivery (BullMQ on Redis)', () => {
  const receiver = new Receiver();
  const secret = generateWebhookSecret();
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(BUILT))
      throw new Error('dist/ lacks webhooks-out: `npm test` builds it (pretest), or `npx nest build`');
    await requireEmptyRedisDb(REDIS_DB);
    await receiver.start();
    env = {
      REDIS_URL: redisUrlForDb(REDIS_DB),
      KD_TEST_ENDPOINT: JSON.stringify({
        id: 'we_0000000000000000000000aa',
        guildId: '820000000000000001',
        url: `${receiver.url}/hook`,
        eventTypes: ['*'],
        description: '',
        secret,
        enabled: true,
        disabledReason: null,
        consecutiveFailures: 0,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        createdBy: '770000000000000001',
      }),
    };
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await receiver.stop();
  });

  it('delivers the event again, same webhook-id, after the kill: at least once', async () => {
    receiver.answer('hold');
    const event = {
      id: '0193a3c4-0000-7000-8000-00000000kill',
      type: 'meeting.ended',
      version: 1,
      guildId: '820000000000000001',
      occurredAt: '2026-01-01T00:00:00.000Z',
      audience: 'viewer',
      data: { meetingId: 'm-kill' },
    };
    const first = await startChild({ ...env, KD_TEST_EVENT: JSON.stringify(event) });
    await eventually(() => receiver.received.length === 1, 10_000, 'the first attempt in flight');
    const exited = new Promise((r) => first.once('exit', (_code, signal) => r(signal)));
    first.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const second = await startChild(env); // no event of its own: only what the queue holds
    await eventually(() => receiver.received.length >= 2, 15_000, 'the delivery taken over after the kill');
    // A third request would come from a job still in the shared queue: wait until it holds none.
    const connection = new Redis(redisUrlForDb(REDIS_DB), { maxRetriesPerRequest: null });
    const queue = new Queue(DEFAULT_WEBHOOKS_OUT_OPTIONS.queueName, {
      connection,
      prefix: DEFAULT_WEBHOOKS_OUT_OPTIONS.queuePrefix,
    });
    try {
      await eventually(
        async () => {
          const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'paused');
          return Object.values(counts).every((n) => n === 0);
        },
        15_000,
        'the webhooks-out queue to drain',
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }
    expect(receiver.received).toHaveLength(2);
    const [held, again] = receiver.received;
    expect(held.headers['webhook-id']).toBe(event.id);
    expect(again.headers['webhook-id']).toBe(event.id);
    expect(again.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(verifyStandardWebhook(secret, held.headers, held.body)).toBe(true);
    expect(verifyStandardWebhook(secret, again.headers, again.body)).toBe(true);
    expect(JSON.parse(again.body)).toMatchObject({ id: event.id, type: 'meeting.ended' });
    const stopped = new Promise((r) => second.once('exit', (code) => r(code)));
    second.kill('SIGTERM');
    expect(await stopped).toBe(0);
  });
});
