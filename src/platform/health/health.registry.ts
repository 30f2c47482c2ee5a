import { Injectable } from '@nestjs/common';

/** What a readiness check reports beside up/down; keep it free of secrets. */
export type ReadinessDetails = Record<string, unknown>;

/** The outside systems `kd_dependency_up` reports on (bounded label values). */
export type Dependency = 'storage' | 'redis' | 'kaltura' | 'discord';

/** A dependency the service needs to do its job. Throw (or reject) to report it down, with a reason. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<ReadinessDetails>;
  /**
   * Whether the pod is unready while this is down (default true). Storage and a configured Redis are: without them
   * the pod cannot take a webhook or answer the API. Kaltura and Discord are not: an outage there is the world's,
   * every pod shares it, and taking them all out of the Service would also lose the webhooks and API calls that do
   * not need them. Those are reported here, in `kd_dependency_up`, and as 503 on the routes that need them.
   */
  required?: boolean;
  /** Set when this check is the state of one of the outside systems `kd_dependency_up` reports on. */
  dependency?: Dependency;
}

/** Thrown by a check to report its dependency down with details (state, last error) beside the reason. */
export class DependencyDownError extends Error {
  constructor(
    message: string,
    readonly details: ReadinessDetails = {},
  ) {
    super(message);
  }
}

/** One check's answer: up with details, or down with a reason (and details). */
export interface CheckOutcome {
  name: string;
  up: boolean;
  required: boolean;
  dependency?: Dependency;
  details: ReadinessDetails;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Modules register the dependencies they rely on here (storage, cache, Discord gateway, Kaltura circuit, queue);
 * `/health/ready` and `kd_dependency_up` run them. Liveness never looks at it.
 */
@Injectable()
export class HealthRegistry {
  private readonly drainListeners: Array<() => void> = [];
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }

  /** Runs every check (each with a 2 s deadline), in registration order. */
  run(timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckOutcome[]> {
    return Promise.all(
      this.all().map(async (c): Promise<CheckOutcome> => {
        const base = { name: c.name, required: c.required ?? true, dependency: c.dependency };
        try {
          return { ...base, up: true, details: await withTimeout(c.check(), timeoutMs) };
        } catch (e) {
          const reason = e instanceof Error ? e.message : String(e);
          const details = e instanceof DependencyDownError ? e.details : {};
          return { ...base, up: false, details: { ...details, reason } };
        }
      }),
    );
  }

  /** Set when shutdown begins, so load balancers stop sending traffic while in-flight requests finish. */
  markDraining(): void {
    if (this.draining) return;
    this.draining = true;
    for (const listener of this.drainListeners) listener();
  }

  /**
   * Runs `listener` once when shutdown begins. Long-lived connections (the WebSocket stream) end then: the HTTP
   * server's close waits for every open connection, and their clients should move to another replica anyway.
   */
  onDraining(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  get isDraining(): boolean {
    return this.draining;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
