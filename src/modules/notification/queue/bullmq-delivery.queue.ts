import { Logger } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type Redis from 'ioredis';
import type { ReadinessDetails } from '../../../platform/health';
import type { RetryPolicy } from '../domain/retry-policy';
import {
  DeliveryQueue,
  DropJobError,
  JobHandler,
  QueueJob,
  jobIdOf,
  nextRunDelayMs,
} from './delivery-queue.port';

export interface BullMqQueueOptions {
  /** Key prefix (`kd:notification` → keys `kd:notification:delivery:*`). */
  prefix: string;
  name: string;
  concurrency: number;
  attempts: number;
  policy: RetryPolicy;
  /** An enqueue that Redis does not acknowledge within this fails (the webhook then answers 503). */
  operationTimeoutMs: number;
  closeTimeoutMs: number;
  /**
   * Stalled jobs (held by a worker that died): lock time, stalled-check interval and how often a job may stall
   * (see `NotificationOptions`). Unset: BullMQ's defaults (30 s, 30 s, 1).
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /**
   * The Redis outage log of the connections given (`RedisConnections.outage`): queue and worker errors during an
   * outage are counted there instead of each becoming a log line.
   */
  outage?: { absorb(): boolean };
}

/** How long a queue or worker error waits for the shared connections to declare a Redis outage. */
const OUTAGE_GRACE_MS = 1_000;
/** Refuses stalled-job settings BullMQ would misbehave with (it checks only some of them, and only at `start`). */
function checkStalledSettings(options: BullMqQueueOptions): void {
  const positive = (name: 'lockDurationMs' | 'stalledIntervalMs') => {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0))
      throw new Error(`Delivery queue: ${name} must be a positive integer (got ${value})`);
  };
  positive('lockDurationMs');
  positive('stalledIntervalMs');
  const count = options.maxStalledCount;
  if (count !== undefined && !(Number.isInteger(count) && count >= 0))
    throw new Error(`Delivery queue: maxStalledCount must be an integer ≥ 0 (got ${count})`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: Redis gave no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

const STATES = ['waiting', 'delayed', 'active', 'prioritized', 'paused', 'waiting-children'] as const;

/**
 * BullMQ on Redis: jobs survive restarts and are shared by every replica (each job runs on one worker at a
 * time). Retries use the shared exponential policy or `RetryJobError.delayMs`; `DropJobError`
 * ends a job without retry. Finished jobs are kept for a while so a repeated enqueue of the same id is a no-op.
 */
export class BullMqDeliveryQueue extends DeliveryQueue {
  readonly kind = 'redis' as const;
  private readonly log = new Logger('notification-queue');
  private readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    private readonly producer: Redis,
    private readonly workerConnection: Redis,
    private readonly options: BullMqQueueOptions,
  ) {
    super();
    checkStalledSettings(options);
    this.queue = new Queue(options.name, { connection: producer, prefix: options.prefix });
    this.queue.on('error', (err) => this.reportError('Queue error', err));
  }

  /**
   * A queue or worker error is counted into the Redis outage when one is on. BullMQ's own duplicated connections
   * (the worker's blocking client) may report a lost Redis before the shared connections do, so an error outside
   * an outage is looked at again after a grace period before it becomes a line of its own.
   */
  private reportError(what: string, err: Error): void {
    const outage = this.options.outage;
    if (outage?.absorb()) return;
    if (!outage) {
      this.log.error({ err: err.message }, what);
      return;
    }
    setTimeout(() => {
      if (!outage.absorb()) this.log.error({ err: err.message }, what);
    }, OUTAGE_GRACE_MS).unref();
  }

  async enqueue(job: QueueJob, options: { delayMs?: number; replaceFinished?: boolean } = {}): Promise<void> {
    const jobId = jobIdOf(job);
    const add = async () => {
      if (options.replaceFinished) {
        const existing = await this.queue.getJob(jobId);
        const state = existing ? await existing.getState() : null;
        if (existing && (state === 'completed' || state === 'failed')) await existing.remove();
      }
      await this.queue.add(job.kind, job, {
        jobId,
        delay: options.delayMs ?? 0,
        attempts: this.options.attempts,
        backoff: { type: 'kd' },
        removeOnComplete: { age: 3_600, count: 10_000 },
        removeOnFail: { age: 86_400, count: 10_000 },
      });
    };
    await withTimeout(add(), this.options.operationTimeoutMs, 'enqueue');
  }

  start(handler: JobHandler): void {
    if (this.worker) throw new Error('The delivery queue is already started');
    this.worker = new Worker<QueueJob>(
      this.options.name,
      async (job) => {
        try {
          await handler(job.data, { attempt: job.attemptsMade + 1 });
        } catch (err) {
          if (err instanceof DropJobError) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        // Spread only when set: an explicit `undefined` would replace BullMQ's defaults.
        ...(this.options.lockDurationMs !== undefined && { lockDuration: this.options.lockDurationMs }),
        ...(this.options.stalledIntervalMs !== undefined && {
          stalledInterval: this.options.stalledIntervalMs,
        }),
        ...(this.options.maxStalledCount !== undefined && { maxStalledCount: this.options.maxStalledCount }),
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
            nextRunDelayMs(this.options.policy, attemptsMade, err),
        },
      },
    );
    this.worker.on('error', (err) => this.reportError('Worker error', err));
    this.worker.on('failed', (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        this.log.warn({ job: job.id, err: err.message }, 'Job gave up');
      }
    });
  }

  async depth(): Promise<number> {
    const counts = await withTimeout(
      this.queue.getJobCounts(...STATES),
      this.options.operationTimeoutMs,
      'depth',
    );
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async check(): Promise<ReadinessDetails> {
    await withTimeout(this.producer.ping(), this.options.operationTimeoutMs, 'ping');
    return { kind: 'redis', depth: await this.depth() };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      // Running deliveries may finish (they record their result); a stuck one is cut after the timeout.
      await withTimeout(worker.close(), this.options.closeTimeoutMs, 'worker close').catch(() =>
        worker.close(true),
      );
    }
    await withTimeout(this.queue.close(), this.options.closeTimeoutMs, 'queue close').catch(() => undefined);
  }
}
