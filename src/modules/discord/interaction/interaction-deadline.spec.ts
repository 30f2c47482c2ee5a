import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import {
  EXPIRED_AFTER_MS,
  InteractionClock,
  InteractionDeadlineGuard,
  InteractionExpiredError,
} from './interaction-deadline';

const T = 1_800_000_000_000;

/** Calls pass the wall clock and the monotonic clock (here: ms since T); they move together unless a test steps one. */
describe('InteractionClock', () => {
  it('is the apparent age when the clock agrees with Discord (the freshest arrival sets the baseline)', () => {
    const clock = new InteractionClock();
    expect(clock.ageOf(T - 40, T, 0)).toBe(0);
    expect(clock.ageOf(T, T + 2_600, 2_600)).toBe(2_600 - 40);
  });

  it('corrects a clock running ahead of Discord: the skew is not mistaken for age', () => {
    const clock = new InteractionClock();
    // Our clock is 10 s ahead: a fresh interaction looks 10.05 s old.
    expect(clock.ageOf(T - 10_050, T, 0)).toBe(0);
    // A fresher arrival lowers the baseline: it is the best estimate of the skew.
    expect(clock.ageOf(T + 1_000 - 10_000, T + 1_000, 1_000)).toBe(0);
    expect(clock.ageOf(T + 2_000 - 12_800, T + 2_000, 2_000)).toBe(2_800);
  });

  it('never makes a clock running behind Discord see interactions as older than they look', () => {
    const clock = new InteractionClock();
    // Our clock is 5 s behind: interactions look created in the future.
    expect(clock.ageOf(T + 4_950, T, 0)).toBe(-4_950);
    expect(clock.ageOf(T + 4_950 - 2_600, T + 10, 10)).toBe(-4_950 + 2_600 + 10);
  });

  it('forgets the baseline after five minutes: a skew that grows slowly (a drifting clock) is re-learned', () => {
    const clock = new InteractionClock();
    // The monotonic clock advances with the wall clock: no step, only drift.
    clock.ageOf(T - 20, T, 0);
    expect(clock.ageOf(T + 60_000 - 1_520, T + 60_000, 60_000)).toBe(1_500);
    expect(clock.ageOf(T + 6 * 60_000 - 1_520, T + 6 * 60_000, 6 * 60_000)).toBe(0);
  });

  it('starts afresh when the wall clock steps ahead (seen against the monotonic clock)', () => {
    const clock = new InteractionClock();
    clock.ageOf(T - 20, T, 0);
    // 10 s later by the monotonic clock, the wall clock was set 3 s ahead: a fresh interaction looks 3.02 s old.
    expect(clock.ageOf(T + 13_000 - 3_020, T + 13_000, 10_000)).toBe(0);
    expect(clock.ageOf(T + 14_000 - 3_000 - 2_600, T + 14_000, 11_000)).toBe(2_600 - 20);
  });
});

describe('InteractionDeadlineGuard', () => {
  const context = (target: unknown) => {
    const host = new ExecutionContextHost([[target], {}]);
    host.setType('necord');
    return host;
  };
  const interaction = (createdTimestamp: number) => ({ createdTimestamp, isRepliable: () => true });

  it('lets a fresh interaction through', () => {
    const guard = new InteractionDeadlineGuard(new InteractionClock());
    expect(guard.canActivate(context(interaction(Date.now() - 5)))).toBe(true);
  });

  it(`refuses one ${EXPIRED_AFTER_MS} ms old with InteractionExpiredError`, () => {
    const guard = new InteractionDeadlineGuard(new InteractionClock());
    guard.canActivate(context(interaction(Date.now() - 5)));
    expect(() => guard.canActivate(context(interaction(Date.now() - EXPIRED_AFTER_MS - 100)))).toThrow(
      InteractionExpiredError,
    );
  });

  it('lets other necord events through (the ready client, a message)', () => {
    const guard = new InteractionDeadlineGuard(new InteractionClock());
    expect(guard.canActivate(context({ user: { id: '1' } }))).toBe(true);
    expect(guard.canActivate(context({ createdTimestamp: 0 }))).toBe(true);
  });
});
