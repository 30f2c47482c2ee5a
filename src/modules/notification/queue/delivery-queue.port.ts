import type { ReadinessDetails } from '../../../platform/health';
import { RetryPolicy, retryDelayMs } from '../domain/retry-policy';

/**
 * Work the queue carries: processing a stored webhook event, delivering a stored notification, or (on the
 * outgoing webhooks' own queue) one domain event to one endpoint. The job id is derived from `id`, so adding the
 * same job twice collapses into one.
 */
export interface QueueJob {
  kind: 'event' | 'delivery' | 'webhook';
  id: string;
  /**
   * A copy of the stored record, so a worker whose store lost it (restart on in-memory storage with the Redis
   * queue) can still do the job. Never trusted blindly: see `record-snapshots.ts`.
   */
  record?: unknown;
}

/** What the handler learns about the run. `attempt` is 1-based and counts runs of this job in the queue. */
export interface JobContext {
  attempt: number;
}

export type JobHandler = (job: QueueJob, context: JobContext) => Promise<void>;

/** Retry this job after `delayMs` (0: the queue's exponential backoff decides). */
export class RetryJobError extends Error {
  constructor(
    message: string,
    readonly delayMs = 0,
  ) {
    super(message);
    this.name = 'RetryJobError';
  }
}

/** Do not retry this job (the handler has recorded why). */
export class DropJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DropJobError';
  }
}

/** A job id the queue backends accept (BullMQ refuses `:` and all-digit ids). */
export function jobIdOf(job: QueueJob): string {
  return `${job.kind}-${job.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The delay before the next run of a job that failed with `err` after `runs` runs. */
export function nextRunDelayMs(policy: RetryPolicy, runs: number, err: unknown): number {
  return err instanceof RetryJobError && err.delayMs > 0 ? err.delayMs : retryDelayMs(policy, runs);
}

/**
 * The delivery queue. Jobs run at least once: a handler must be idempotent (the repositories' leases and
 * statuses make it so). Any error other than `DropJobError` retries the job with exponential backoff, up to the
 * queue's attempt limit.
 */
export abstract class DeliveryQueue {
  /** `memory` (in-process) or `redis` (BullMQ). */
  abstract readonly kind: 'memory' | 'redis';

  /**
   * Adds the job unless a job with the same id is already queued, delayed or running. `replaceFinished` also
   * replaces a finished job the backend still remembers (recovery re-enqueues work whose job gave up).
   */
  abstract enqueue(job: QueueJob, options?: { delayMs?: number; replaceFinished?: boolean }): Promise<void>;

  /** Starts consuming jobs with `handler`. Called once. */
  abstract start(handler: JobHandler): void;

  /** Jobs waiting, delayed or running. */
  abstract depth(): Promise<number>;

  /** For readiness: throws when the queue cannot take work. */
  abstract check(): Promise<ReadinessDetails>;

  /** Stops taking jobs, lets running ones finish (bounded), and releases connections. */
  abstract close(): Promise<void>;
}
