import { CircuitState } from 'cockatiel';
import { KalturaBreaker } from './kaltura-breaker';

const { Closed, HalfOpen } = CircuitState;

describe('KalturaBreaker', () => {
  let now = 1_000_000;
  const breakerOf = (consecutive = 5): KalturaBreaker =>
    new KalturaBreaker({ consecutive, windowMs: 10_000, ratio: 0.5, now: () => now });
  const fail = (b: KalturaBreaker, times: number, state = Closed): boolean[] =>
    Array.from({ length: times }, () => b.failure(state));
  const succeed = (b: KalturaBreaker, times: number): void => {
    for (let i = 0; i < times; i++) b.success(Closed);
  };

  beforeEach(() => {
    now = 1_000_000;
  });

  it('on a quiet instance opens at the Nth failure in a row, as a consecutive breaker does', () => {
    const b = breakerOf(5);
    succeed(b, 2);
    expect(fail(b, 5)).toEqual([false, false, false, false, true]);
  });

  it('is not opened by a burst of failures among many successes, and opens once failures outnumber them', () => {
    const b = breakerOf(5);
    succeed(b, 200);
    expect(fail(b, 28)).not.toContain(true);
    expect(b.window()).toEqual({ ok: 200, failed: 28 });
    // 200 successes in the window: the 201st failure makes failures the majority.
    expect(fail(b, 172)).not.toContain(true);
    expect(b.failure(Closed)).toBe(true);
  });

  it('forgets successes older than the window', () => {
    const b = breakerOf(5);
    succeed(b, 200);
    now += 11_000;
    expect(b.window()).toEqual({ ok: 0, failed: 0 });
    expect(fail(b, 5)).toEqual([false, false, false, false, true]);
  });

  it('weighs the window in slices: successes leave it a slice at a time', () => {
    const b = breakerOf(1);
    succeed(b, 10);
    now += 5_000;
    succeed(b, 3);
    now += 5_500; // the first 10 are now 10.5 s old, the 3 are 5.5 s old
    expect(b.window()).toEqual({ ok: 3, failed: 0 });
    expect(fail(b, 4)).toEqual([false, false, false, true]);
  });

  it('starts the streak over after a success', () => {
    const b = breakerOf(5);
    fail(b, 4);
    succeed(b, 1);
    expect(fail(b, 4)).not.toContain(true);
    expect(b.failure(Closed)).toBe(true);
  });

  it('re-opens on any failure while half-open, and a successful trial clears the window', () => {
    const b = breakerOf(5);
    fail(b, 5);
    expect(b.failure(HalfOpen)).toBe(true);
    b.success(HalfOpen);
    expect(b.window()).toEqual({ ok: 1, failed: 0 });
    // Without the clear, the six earlier failures would make these five the majority.
    succeed(b, 4);
    expect(fail(b, 5)).not.toContain(true);
  });

  it('rejects nonsensical options', () => {
    expect(() => new KalturaBreaker({ consecutive: 0, windowMs: 10_000, ratio: 0.5 })).toThrow(RangeError);
    expect(() => new KalturaBreaker({ consecutive: 5, windowMs: 10_000, ratio: 1 })).toThrow(RangeError);
    expect(() => new KalturaBreaker({ consecutive: 5, windowMs: 0, ratio: 0.5 })).toThrow(RangeError);
  });
});
