import { Injectable } from '@nestjs/common';

/** What a readiness check reports beside up/down; keep it free of secrets. */
export type ReadinessDetails = Record<string, unknown>;

/** A dependency the service needs to do its job. Throw (or reject) to report it down, with a reason. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<ReadinessDetails>;
}

/**
 * Modules register the dependencies they rely on here (storage, cache, Discord gateway, Kaltura circuit, queue);
 * `/health/ready` runs them all. Liveness never looks at it.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }

  /** Set when shutdown begins, so load balancers stop sending traffic while in-flight requests finish. */
  markDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
