import http from 'node:http';
import https from 'node:https';
import { Logger } from '@nestjs/common';
import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ExponentialBackoff,
  RetryPolicy,
  TaskCancelledError,
  TimeoutPolicy,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
} from 'cockatiel';
import * as kaltura from 'kaltura-client';
import { KalturaAdminSession } from './kaltura-admin-session';
import { KalturaBreaker } from './kaltura-breaker';
import {
  KalturaApiFault,
  KalturaTransportFault,
  KalturaUnavailableError,
  classifyFailure,
  isApiException,
  isKalturaCode,
} from './kaltura.errors';
import { KalturaCallMetrics, KalturaCallOutcome, NO_KALTURA_METRICS } from './kaltura.metrics';
import { CircuitStateName } from './kaltura.port';

/** Timeouts, retries and breaker; the defaults suit production, tests shrink them. */
export interface KalturaResilienceOptions {
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs: number;
  /** Attempts for a retryable failure, the first included (default 3). */
  maxAttempts: number;
  /** First backoff delay in ms (default 200); later ones grow exponentially with jitter. */
  initialBackoffMs: number;
  /** Longest backoff delay in ms (default 5 000). */
  maxBackoffMs: number;
  /**
   * Failed attempts in a row that open the breaker (default 5), provided they are also more than half of the
   * attempts of the last `breakerWindowMs` (see `KalturaBreaker`).
   */
  breakerThreshold: number;
  /** The window over which the breaker weighs failures against successes, in ms (default 10 000). */
  breakerWindowMs: number;
  /** How long the breaker stays open before it lets a trial call through, in ms (default 30 000). */
  halfOpenAfterMs: number;
  /**
   * How long a call keeps retrying while Kaltura's rate limiter answers `ACTION_BLOCKED`, in ms (default 8 000):
   * the call's deadline for that weather. Past it the call fails as `KALTURA_UNAVAILABLE` (reason `rate_limited`).
   */
  blockedDeadlineMs: number;
  /** First wait after an `ACTION_BLOCKED` answer, in ms (default 500); it doubles, with jitter, up to 4 s. */
  blockedBackoffMs: number;
}

export const DEFAULT_RESILIENCE: KalturaResilienceOptions = {
  timeoutMs: 10_000,
  maxAttempts: 3,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
  breakerThreshold: 5,
  breakerWindowMs: 10_000,
  halfOpenAfterMs: 30_000,
  blockedDeadlineMs: 8_000,
  blockedBackoffMs: 500,
};

/** Kaltura's rate limiter's answer (HTTP 200, `KalturaAPIException`, args `ACTION_NAME`, `SERVICE_NAME`). */
export const ACTION_BLOCKED = 'ACTION_BLOCKED';

/** Longest wait between two attempts of a call Kaltura's rate limiter refused. */
const BLOCKED_MAX_BACKOFF_MS = 4_000;

/** Share of the window's attempts that must have failed for the breaker to open (strictly more). */
export const BREAKER_FAILURE_RATIO = 0.5;

/** One multirequest slot: Kaltura answers each sub-request separately. */
export type SlotResult = { ok: true; value: unknown } | { ok: false; fault: KalturaApiFault };

type Label = { service: string; action: string; idempotent: boolean; expectedCodes?: readonly string[] };

/**
 * kaltura-client's default logger prints every request body, admin KS and secrets included. This one keeps the
 * service/action path only (at verbose level) and drops bodies, responses and raw transport errors.
 */
class RedactingClientLogger extends kaltura.ILogger {
  constructor(private readonly logger: Logger) {
    super();
  }
  override log(msg: string): void {
    const path = /^URL: \S*?\/service\/([A-Za-z0-9_]+(?:\/action\/[A-Za-z0-9_]+)?)/.exec(msg);
    if (path) this.logger.verbose(`POST service/${path[1]}`);
  }
  override error(): void {}
  override debug(): void {}
}

/**
 * kaltura-client's multirequest callback throws inside a promise handler when the HTTP request fails (or the
 * whole answer is an exception): the caller's promise then never settles and Node sees an unhandled rejection.
 * This routes such failures to the caller instead.
 */
class SafeMultiRequestBuilder extends kaltura.MultiRequestBuilder {
  constructor() {
    super();
    const dispatch = this.callback;
    this.callback = (success, result) => {
      if (success && dispatch) dispatch(success, result);
      else this.generalCallback?.(false, result);
    };
  }
}

/**
 * Sends kaltura-client requests with the cached admin KS, a per-attempt timeout, bounded retries (exponential
 * backoff with jitter; transport errors and 5xx only, never API exceptions) and a circuit breaker. An
 * INVALID_KS answer re-mints the admin KS and repeats the call once.
 */
export class KalturaTransport {
  private readonly log = new Logger('Kaltura');
  private readonly client: kaltura.Client;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly retryAny: RetryPolicy;
  private readonly retryUnprocessed: RetryPolicy;
  private readonly timeout: TimeoutPolicy;
  private openedAt = 0;
  private readonly now = Date.now;
  private readonly sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  constructor(
    serviceUrl: string,
    private readonly session: KalturaAdminSession,
    private readonly options: KalturaResilienceOptions = DEFAULT_RESILIENCE,
    private readonly metrics: KalturaCallMetrics = NO_KALTURA_METRICS,
  ) {
    const config = new kaltura.Configuration();
    config.serviceUrl = serviceUrl;
    // A little longer than the policy timeout: the policy decides, axios then frees the socket.
    config.timeout = options.timeoutMs + 1_000;
    config.setLogger(new RedactingClientLogger(this.log));
    this.client = new kaltura.Client(config);
    pool(this.client);

    this.timeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
    const backoff = new ExponentialBackoff({
      initialDelay: options.initialBackoffMs,
      maxDelay: options.maxBackoffMs,
    });
    const retries = Math.max(0, options.maxAttempts - 1);
    const transient = (e: Error): e is KalturaTransportFault =>
      e instanceof KalturaTransportFault && e.retryable;
    this.retryAny = retry(handleWhen(transient), { maxAttempts: retries, backoff });
    // A write is repeated only when Kaltura certainly did not act on it: a lost answer must not create twice.
    this.retryUnprocessed = retry(
      handleWhen((e) => transient(e) && e.notProcessed),
      { maxAttempts: retries, backoff },
    );
    const breaker = new KalturaBreaker({
      consecutive: options.breakerThreshold,
      windowMs: options.breakerWindowMs,
      ratio: BREAKER_FAILURE_RATIO,
    });
    this.breaker = circuitBreaker(
      handleWhen((e) => e instanceof KalturaTransportFault),
      { halfOpenAfter: options.halfOpenAfterMs, breaker },
    );
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
      const { ok, failed } = breaker.window();
      this.log.error(
        `Kaltura circuit opened: ${options.breakerThreshold}+ failed attempts in a row, ` +
          `${failed} of ${ok + failed} in the last ${options.breakerWindowMs} ms; ` +
          `calls fail fast for ${options.halfOpenAfterMs} ms`,
      );
    });
    this.breaker.onHalfOpen(() => this.log.log('Kaltura circuit half-open: sending a trial call'));
    this.breaker.onReset(() => this.log.log('Kaltura circuit closed'));
  }

  /**
   * Breaker state. An open breaker whose cool-down is over reports `half-open`: the next call is a trial, so
   * readiness should not stay failed just because no call has come in since.
   */
  circuitState(): CircuitStateName {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      case CircuitState.Open:
        return Date.now() - this.openedAt >= this.options.halfOpenAfterMs ? 'half-open' : 'open';
      default:
        return 'open';
    }
  }

  /**
   * One action. Resolves with its result; rejects with `KalturaApiFault` (API exception),
   * `KalturaTransportFault` (no usable answer) or `KalturaUnavailableError` (breaker open).
   * @param build makes a fresh request per attempt (kaltura-client mutates requests when sending them).
   * @param opts.expectedCodes API exceptions that are an answer, not a failure (e.g. `DUPLICATE_USER_BY_ID` to an
   *   add that only makes sure): still rejected with, but counted as `success` in the metrics.
   */
  request(
    build: () => kaltura.RequestBuilder,
    opts: { idempotent: boolean; expectedCodes?: readonly string[] },
  ): Promise<unknown> {
    const probe = build();
    const label = {
      service: probe.service,
      action: probe.action,
      idempotent: opts.idempotent,
      expectedCodes: opts.expectedCodes,
    };
    return this.withAdminKs(
      (ks) => this.resilient(label, 'object', () => build().setKs(ks).execute(this.client)),
      () => false,
    );
  }

  /**
   * Several actions in one multirequest; later ones may refer to earlier results as `{1:result:id}`.
   * @param opts.expectedCodes slot exceptions that are an answer, not a failure: the call still counts as a
   *   `success` in the metrics when they are the only ones.
   */
  batch(
    action: string,
    build: () => kaltura.RequestBuilder[],
    opts: { idempotent: boolean; expectedCodes?: readonly string[] },
  ): Promise<SlotResult[]> {
    const label = {
      service: 'multirequest',
      action,
      idempotent: opts.idempotent,
      expectedCodes: opts.expectedCodes,
    };
    return this.withAdminKs(
      async (ks) => {
        const raw = await this.resilient(label, 'array', () => {
          const multi = new SafeMultiRequestBuilder();
          for (const request of build()) multi.add(request);
          return multi.setKs(ks).execute(this.client);
        });
        return (raw as unknown[]).map((value): SlotResult => {
          const fault = isApiException(value) ? classifyFailure(value) : undefined;
          return fault instanceof KalturaApiFault ? { ok: false, fault } : { ok: true, value };
        });
      },
      (slots) => slots.some((slot) => !slot.ok && slot.fault.code === 'INVALID_KS'),
    );
  }

  private async withAdminKs<T>(
    attempt: (ks: string) => Promise<T>,
    rejectedKs: (result: T) => boolean,
  ): Promise<T> {
    const ks = this.session.get();
    try {
      const result = await attempt(ks);
      if (!rejectedKs(result)) return result;
    } catch (error) {
      if (!(error instanceof KalturaApiFault && error.code === 'INVALID_KS')) throw error;
    }
    this.log.warn('Kaltura rejected the admin session (INVALID_KS); minting a new one and retrying once');
    this.session.invalidate(ks);
    return attempt(this.session.get());
  }

  /**
   * Kaltura's rate limiter (`ACTION_BLOCKED`) is weather, not an outage: the call waits and tries again until its
   * deadline, and the breaker never hears of it (an API exception is not a failure it handles). Other faults go
   * through the retry policy and breaker as before.
   */
  private resilient(
    label: Label,
    expect: 'object' | 'array',
    send: () => Promise<unknown>,
  ): Promise<unknown> {
    return this.whileBlocked(`${label.service}.${label.action}`, () => this.guarded(label, expect, send));
  }

  /**
   * Runs `run` again, with growing jittered waits, while it fails with `ACTION_BLOCKED`, until the call's deadline
   * (`blockedDeadlineMs`); then rejects with `KalturaUnavailableError('rate_limited')`. Kaltura's rate limiter is
   * weather, not an outage: the breaker never hears of it (an API exception is not a failure it handles).
   * @param what names the call in the give-up log line.
   */
  async whileBlocked<T>(what: string, run: () => Promise<T>): Promise<T> {
    const deadline = this.now() + this.options.blockedDeadlineMs;
    for (let blocked = 0; ; blocked++) {
      try {
        return await run();
      } catch (error) {
        if (!isKalturaCode(error, ACTION_BLOCKED)) throw error;
        const ceiling = Math.min(BLOCKED_MAX_BACKOFF_MS, this.options.blockedBackoffMs * 2 ** blocked);
        // Jitter on the upper half: replicas refused together do not come back together.
        const wait = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
        if (this.now() + wait > deadline) {
          this.log.warn(`Kaltura ${what}: still ACTION_BLOCKED after ${blocked + 1} attempts; giving up`);
          throw new KalturaUnavailableError('rate_limited');
        }
        await this.sleep(wait);
      }
    }
  }

  private async guarded(
    label: Label,
    expect: 'object' | 'array',
    send: () => Promise<unknown>,
  ): Promise<unknown> {
    const policy = label.idempotent ? this.retryAny : this.retryUnprocessed;
    try {
      return await policy.execute(() => this.breaker.execute(() => this.attempt(label, expect, send)));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        this.metrics.observe({ service: label.service, action: label.action }, 'circuit_open');
        throw new KalturaUnavailableError('circuit_open');
      }
      throw error;
    }
  }

  /** One HTTP attempt, measured; failures come out classified. */
  private async attempt(
    label: Label,
    expect: 'object' | 'array',
    send: () => Promise<unknown>,
  ): Promise<unknown> {
    const started = performance.now();
    let outcome: KalturaCallOutcome = 'success';
    try {
      const result = await this.timeout.execute(() => send());
      const shapeOk =
        expect === 'array' ? Array.isArray(result) : typeof result === 'object' && result !== null;
      if (!shapeOk) throw new KalturaTransportFault('bad_response', false, false, 'unexpected response body');
      if (label.idempotent && Array.isArray(result) && result.some(isBlocked)) {
        throw new KalturaApiFault(ACTION_BLOCKED);
      }
      const failedSlot = (value: unknown) =>
        isApiException(value) && !label.expectedCodes?.includes(value.code);
      if (Array.isArray(result) && result.some(failedSlot)) outcome = 'kaltura_error';
      return result;
    } catch (raw) {
      const fault =
        raw instanceof TaskCancelledError
          ? new KalturaTransportFault('timeout', true, false, `no answer within ${this.options.timeoutMs} ms`)
          : classifyFailure(raw);
      outcome =
        fault instanceof KalturaApiFault && label.expectedCodes?.includes(fault.code)
          ? 'success'
          : outcomeOf(fault);
      if (fault instanceof KalturaTransportFault) {
        this.log.warn(`Kaltura ${label.service}.${label.action} attempt failed: ${fault.detail}`);
      }
      throw fault;
    } finally {
      this.metrics.observe(
        { service: label.service, action: label.action },
        outcome,
        (performance.now() - started) / 1000,
      );
    }
  }
}

/**
 * A slot Kaltura's rate limiter refused. A multirequest of reads is repeated whole; one that writes is handed back
 * to its caller, which knows what its other slots created (`createRoom` undoes them, then repeats).
 */
function isBlocked(value: unknown): boolean {
  return isApiException(value) && value.code === ACTION_BLOCKED;
}

function outcomeOf(fault: unknown): KalturaCallOutcome {
  if (fault instanceof KalturaApiFault)
    return fault.code === ACTION_BLOCKED ? 'rate_limited' : 'kaltura_error';
  if (!(fault instanceof KalturaTransportFault)) return 'network_error';
  switch (fault.reason) {
    case 'timeout':
      return 'timeout';
    case 'http_status':
      return 'http_error';
    case 'bad_response':
      return 'bad_response';
    default:
      return 'network_error';
  }
}

/** Connections to Kaltura per process; more calls than this wait in the agent's queue instead of connecting. */
export const KALTURA_MAX_SOCKETS = 64;

/**
 * kaltura-client sends through its own axios instance with Node's default agents and follow-redirects. A crowd of
 * joins then opens a TCP (and TLS) connection per concurrent call and closes most of them again: a tenth of the
 * CPU of a burst went to connecting. A keep-alive agent with a socket cap reuses connections instead, and with
 * `maxRedirects: 0` axios uses Node's http directly (api_v3 does not redirect; a 3xx from a wrong
 * `KALTURA_SERVICE_URL` is reported as an HTTP error instead of being followed as a GET).
 */
function pool(client: kaltura.Client): void {
  const axios = (client as unknown as { axios: { defaults: Record<string, unknown> } }).axios;
  const agent = { keepAlive: true, maxSockets: KALTURA_MAX_SOCKETS, scheduling: 'lifo' as const };
  axios.defaults.httpAgent = new http.Agent(agent);
  axios.defaults.httpsAgent = new https.Agent(agent);
  axios.defaults.maxRedirects = 0;
}
