import { CommandBudget } from './command-budget';

const RULE = { points: 3, windowSeconds: 60 };

describe('CommandBudget (process memory)', () => {
  // The library reads Date.now() and sets timers: jest's clock drives both.
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-04T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('allows `points` commands per window, then says when the window frees one', async () => {
    const budget = new CommandBudget(null);
    for (let i = 0; i < 3; i++) expect(await budget.take('member', 'a', RULE)).toEqual({ allowed: true });
    jest.advanceTimersByTime(20_000);
    expect(await budget.take('member', 'a', RULE)).toEqual({ allowed: false, retryAfterMs: 40_000 });
    jest.advanceTimersByTime(39_999);
    expect((await budget.take('member', 'a', RULE)).allowed).toBe(false);
    jest.advanceTimersByTime(2);
    expect(await budget.take('member', 'a', RULE)).toEqual({ allowed: true });
  });

  it('keeps keys and scopes apart', async () => {
    const budget = new CommandBudget(null);
    for (let i = 0; i < 3; i++) await budget.take('member', 'a', RULE);
    expect((await budget.take('member', 'a', RULE)).allowed).toBe(false);
    expect((await budget.take('member', 'b', RULE)).allowed).toBe(true);
    expect((await budget.take('guild', 'a', RULE)).allowed).toBe(true);
  });

  it('gives a command back', async () => {
    const budget = new CommandBudget(null);
    for (let i = 0; i < 3; i++) await budget.take('guild', 'g', RULE);
    await budget.giveBack('guild', 'g', RULE);
    expect((await budget.take('guild', 'g', RULE)).allowed).toBe(true);
    expect((await budget.take('guild', 'g', RULE)).allowed).toBe(false);
  });

  it("counts what was used under a raised budget, and starts afresh when the window's length changes", async () => {
    const budget = new CommandBudget(null);
    for (let i = 0; i < 3; i++) await budget.take('member', 'a', RULE);
    expect((await budget.take('member', 'a', { points: 4, windowSeconds: 60 })).allowed).toBe(true);
    expect((await budget.take('member', 'a', { points: 4, windowSeconds: 60 })).allowed).toBe(false);
    expect((await budget.take('member', 'a', { points: 4, windowSeconds: 30 })).allowed).toBe(true);
  });
});
