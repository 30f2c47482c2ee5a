import { Logger } from '@nestjs/common';

/** How often a continuing outage is logged again, with its error count. */
export const OUTAGE_REMINDER_MS = 60_000;

/**
 * One log line per outage of a shared dependency, however many connections and clients report it: an error when
 * the first one fails, a reminder every minute with the count of errors seen since, and one line when the last
 * failed connection is back. ioredis and BullMQ report every reconnect attempt and every failed blocking call:
 * without this, a Redis outage logged about 1.7 error lines a second per pod.
 */
export class OutageLog {
  private readonly down = new Set<string>();
  private startedAt = 0;
  private lastLineAt = 0;
  private errors = 0;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get active(): boolean {
    return this.down.size > 0;
  }

  /** Errors counted since the outage began (0 when there is none). */
  get count(): number {
    return this.errors;
  }

  /** `source` (a connection name) failed: starts the outage, or counts the error and maybe reminds. */
  failure(source: string, err: string): void {
    const wasActive = this.active;
    this.down.add(source);
    if (!wasActive) {
      this.startedAt = this.lastLineAt = this.now();
      this.errors = 1;
      this.logger.error({ err, connection: source }, `${this.what} unreachable`);
      return;
    }
    this.count1();
  }

  /**
   * An error from a client riding on the failed connections (a queue, a worker, a cache store): counted when an
   * outage is on. Returns false when there is none, so the caller logs the error itself.
   */
  absorb(): boolean {
    if (!this.active) return false;
    this.count1();
    return true;
  }

  /** `source` is connected again; the outage ends when no failed source is left. */
  recovered(source: string): void {
    if (!this.down.delete(source) || this.active) return;
    const seconds = Math.round((this.now() - this.startedAt) / 1000);
    this.logger.log(
      { downSeconds: seconds, errors: this.errors },
      `${this.what} reachable again after ${seconds} s (${this.errors} errors)`,
    );
    this.errors = 0;
  }

  private count1(): void {
    this.errors += 1;
    const now = this.now();
    if (now - this.lastLineAt < OUTAGE_REMINDER_MS) return;
    this.lastLineAt = now;
    const seconds = Math.round((now - this.startedAt) / 1000);
    this.logger.error(
      { downSeconds: seconds, errors: this.errors, connections: [...this.down] },
      `${this.what} still unreachable after ${seconds} s (${this.errors} errors)`,
    );
  }
}
