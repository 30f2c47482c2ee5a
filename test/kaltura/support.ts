import { ConsoleLogger, Logger, LoggerService } from '@nestjs/common';
import {
  KalturaCallMetrics,
  KalturaCallOutcome,
  KalturaClientAdapter,
  KalturaClientAdapterOptions,
} from '../../src/modules/kaltura';
import { FakeKaltura } from '../fakes/kaltura';

export const KAF_URL = 'https://4242.kaf.test';

/** Small timeouts and backoffs so fault tests run fast; each test overrides what it is about. */
export const FAST: KalturaClientAdapterOptions = {
  timeoutMs: 1_000,
  maxAttempts: 3,
  initialBackoffMs: 5,
  maxBackoffMs: 20,
  breakerThreshold: 50,
  halfOpenAfterMs: 200,
};

export function adapterFor(
  fake: FakeKaltura,
  options: KalturaClientAdapterOptions = {},
): KalturaClientAdapter {
  return new KalturaClientAdapter(
    {
      partnerId: fake.partnerId,
      adminSecret: fake.adminSecret,
      serviceUrl: fake.url,
      kafUrl: KAF_URL,
      joinLinkTtl: 900,
    },
    { ...FAST, ...options },
  );
}

/** Records what the adapter reports, for metric assertions. */
export class RecordingMetrics implements KalturaCallMetrics {
  readonly seen: Array<{ service: string; action: string; outcome: KalturaCallOutcome; seconds?: number }> =
    [];
  observe(call: { service: string; action: string }, outcome: KalturaCallOutcome, seconds?: number): void {
    this.seen.push({ ...call, outcome, seconds });
  }
  outcomes(): KalturaCallOutcome[] {
    return this.seen.map((s) => s.outcome);
  }
}

/**
 * Captures everything that could reach a log: Nest's Logger (all levels), console.*, and raw stdout/stderr
 * writes (where kaltura-client's default logger would print).
 */
export function captureLogs(): { text: () => string; restore: () => void } {
  const lines: string[] = [];
  const push = (...args: unknown[]) =>
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  const logger: LoggerService = {
    log: push,
    error: push,
    warn: push,
    debug: push,
    verbose: push,
    fatal: push,
  };
  Logger.overrideLogger(logger);
  const spies = [
    ...(['log', 'error', 'warn', 'info', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation(push),
    ),
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (push(String(chunk)), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (push(String(chunk)), true)),
  ];
  return {
    text: () => lines.join('\n'),
    restore: () => {
      spies.forEach((s) => s.mockRestore());
      Logger.overrideLogger(new ConsoleLogger());
    },
  };
}

/** Awaits a rejection and returns it (fails the test if the promise resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
