import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { NecordExecutionContext } from 'necord';

/**
 * Discord refuses an interaction's first answer (10062 Unknown interaction) 3 s after it created it. An
 * interaction this old (by Discord's clock) when its handler is about to run is dropped unanswered: no answer
 * could reach Discord in time, so the work and the requests would be wasted on a member who already sees "The
 * application did not respond". Only a process far behind (a crowd larger than it can serve, a stalled event
 * loop, a gateway resume replaying old events) sees such interactions.
 */
export const EXPIRED_AFTER_MS = 2_500;

/** How far back the clock remembers the freshest arrival. */
const BASELINE_WINDOW_MS = 5 * 60_000;
const BUCKET_MS = 60_000;

/** A change of the wall clock against the monotonic clock larger than this is a step (NTP, an operator). */
const CLOCK_STEP_MS = 1_000;

/**
 * The age of an interaction by Discord's clock. Its snowflake carries the time Discord created it; the age is our
 * clock minus that, so a clock running ahead of Discord's would make every interaction look old. The clock
 * therefore subtracts the smallest apparent age seen in the last five minutes: the freshest arrival, which is
 * network latency plus the skew. The errors this makes err young: a clock behind Discord's, or a process behind
 * for minutes on end, makes interactions look younger than they are, never older. A step of the wall clock
 * (seen against the monotonic clock) starts the baseline afresh, so a clock set ahead cannot make the service
 * drop interactions it could still answer.
 */
@Injectable()
export class InteractionClock {
  /** Smallest apparent age per minute, newest last. */
  private readonly buckets: Array<{ start: number; min: number }> = [];
  private wallMinusMonotonic: number | undefined;

  /**
   * The interaction's age in ms, corrected for clock skew; also records it for the baseline.
   * @param now wall clock (ms since the epoch); @param monotonic `performance.now()` at the same moment
   */
  ageOf(createdTimestamp: number, now = Date.now(), monotonic = performance.now()): number {
    const offset = now - monotonic;
    if (this.wallMinusMonotonic !== undefined && Math.abs(offset - this.wallMinusMonotonic) > CLOCK_STEP_MS) {
      this.buckets.length = 0;
    }
    this.wallMinusMonotonic = offset;
    const apparent = now - createdTimestamp;
    this.record(apparent, now);
    return apparent - Math.max(0, this.baseline());
  }

  private record(apparent: number, now: number): void {
    const start = now - (now % BUCKET_MS);
    const last = this.buckets.at(-1);
    if (last?.start === start) last.min = Math.min(last.min, apparent);
    else this.buckets.push({ start, min: apparent });
    while (this.buckets.length > 0 && this.buckets[0].start <= now - BASELINE_WINDOW_MS) this.buckets.shift();
  }

  private baseline(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const bucket of this.buckets) min = Math.min(min, bucket.min);
    return min;
  }
}

/**
 * When each interaction was created, on our clock: the guard's skew-corrected estimate, kept for the interaction's
 * lifetime so later stages (the answer's deadlines, the admission queue) measure age without skew.
 */
const createdLocally = new WeakMap<object, number>();

/**
 * The interaction's age in ms: from the guard's skew-corrected estimate when it has seen the interaction, else
 * (an interaction that did not pass the guard, e.g. in a unit test) straight from the snowflake.
 */
export function interactionAge(interaction: { createdTimestamp: number }, now = Date.now()): number {
  return now - (createdLocally.get(interaction) ?? interaction.createdTimestamp);
}

/**
 * Thrown by `InteractionDeadlineGuard` and by the answer's admission queue; `DiscordExceptionFilter` counts it and
 * answers nothing.
 */
export class InteractionExpiredError extends Error {
  constructor(readonly ageMs: number) {
    super(`Interaction ${Math.round(ageMs)} ms old: too late to acknowledge`);
    this.name = 'InteractionExpiredError';
  }
}

/**
 * Runs before every command, button and autocomplete handler: an interaction past `EXPIRED_AFTER_MS` is refused
 * before any work. Other necord events (client ready, errors) pass.
 */
@Injectable()
export class InteractionDeadlineGuard implements CanActivate {
  constructor(private readonly clock: InteractionClock) {}

  canActivate(context: ExecutionContext): boolean {
    const [target] = NecordExecutionContext.create(context).getContext<unknown>() as unknown[];
    if (!isInteraction(target)) return true;
    const now = Date.now();
    const age = this.clock.ageOf(target.createdTimestamp, now);
    createdLocally.set(target, now - age);
    if (age >= EXPIRED_AFTER_MS) throw new InteractionExpiredError(age);
    return true;
  }
}

function isInteraction(value: unknown): value is { createdTimestamp: number; isRepliable(): boolean } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { createdTimestamp?: unknown }).createdTimestamp === 'number' &&
    typeof (value as { isRepliable?: unknown }).isRepliable === 'function'
  );
}
