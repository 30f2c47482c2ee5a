import { Logger } from '@nestjs/common';
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

interface Entry {
  job: QueueJob;
  /** Runs so far. */
  runs: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
}

/**
 * The queue without Redis: jobs live in this process (timers for delays, a concurrency limit). Not durable by
 * itself: after a restart the recovery sweep re-enqueues what the repositories still hold as unfinished.
 */
export class InProcessDeliveryQueue extends DeliveryQueue {
  readonly kind = 'memory' as const;
  private readonly log = new Logger('notification-queue');
  private readonly entries = new Map<string, Entry>();
  private readonly ready: Entry[] = [];
  private readonly idle = new Set<() => void>();
  private handler: JobHandler | null = null;
  private running = 0;
  private closed = false;

  constructor(
    private readonly options: {
      concurrency: number;
      attempts: number;
      policy: RetryPolicy;
      closeTimeoutMs: number;
    },
  ) {
    super();
  }

  async enqueue(job: QueueJob, options: { delayMs?: number } = {}): Promise<void> {
    if (this.closed) throw new Error('The delivery queue is closed');
    const id = jobIdOf(job);
    if (this.entries.has(id)) return;
    const entry: Entry = { job, runs: 0, timer: null, running: false };
    this.entries.set(id, entry);
    this.schedule(entry, options.delayMs ?? 0);
  }

  start(handler: JobHandler): void {
    this.handler = handler;
    this.pump();
  }

  async depth(): Promise<number> {
    return this.entries.size;
  }

  async check(): Promise<ReadinessDetails> {
    if (this.closed) throw new Error('the delivery queue is closed');
    return { kind: 'memory', depth: this.entries.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.ready.length = 0;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.closeTimeoutMs);
      this.idle.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private schedule(entry: Entry, delayMs: number): void {
    if (delayMs <= 0) {
      this.ready.push(entry);
      queueMicrotask(() => this.pump());
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = null;
      this.ready.push(entry);
      this.pump();
    }, delayMs);
    entry.timer.unref();
  }

  private pump(): void {
    while (!this.closed && this.handler && this.running < this.options.concurrency && this.ready.length > 0) {
      const entry = this.ready.shift() as Entry;
      void this.run(entry, this.handler);
    }
  }

  private async run(entry: Entry, handler: JobHandler): Promise<void> {
    this.running++;
    entry.running = true;
    entry.runs++;
    const id = jobIdOf(entry.job);
    let retryIn: number | null = null;
    try {
      await handler(entry.job, { attempt: entry.runs });
    } catch (err) {
      if (!(err instanceof DropJobError) && entry.runs < this.options.attempts) {
        retryIn = nextRunDelayMs(this.options.policy, entry.runs, err);
      } else if (!(err instanceof DropJobError)) {
        this.log.warn({ job: id, err: err instanceof Error ? err.message : String(err) }, 'Job gave up');
      }
    } finally {
      entry.running = false;
      this.running--;
    }
    if (retryIn !== null && !this.closed) this.schedule(entry, retryIn);
    else this.entries.delete(id);
    if (this.running === 0) for (const done of this.idle) done();
    this.pump();
  }
}
