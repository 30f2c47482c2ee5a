import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/** Whose budget a command is counted against. */
export type BudgetScope = 'member' | 'guild';

/** A budget: `points` commands per `windowSeconds` (a fixed window that starts with the first command). */
export interface BudgetRule {
  points: number;
  windowSeconds: number;
}

export type BudgetOutcome = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Redis key prefix of the budgets' counters (`kd:meetings:budget:<scope>:<window>:<key>`). */
export const BUDGET_KEY_PREFIX = 'kd:meetings:budget';
/** Limiters are cached per scope and window length; this only bounds a pathological mix of windows. */
const MAX_LIMITERS = 256;
/** The limiter only counts; `take` compares the count with the guild's budget. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * Command budgets over `rate-limiter-flexible`: the same API in Redis (atomic Lua increment, so every replica
 * draws on one budget) and in process memory. Chosen over the HTTP throttler's storage (which lives in the auth
 * module's guard and fails open) for its insurance limiter: while Redis is unreachable each replica keeps
 * limiting on its own instead of letting every command through.
 */
export class CommandBudget {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  /** @param redis the connection to count in; null: process memory (no `REDIS_URL`). */
  constructor(private readonly redis: Redis | null) {}

  /** Takes one command from the budget of `key`, or says how long until the window frees one. */
  async take(scope: BudgetScope, key: string, rule: BudgetRule): Promise<BudgetOutcome> {
    const res = await this.limiter(scope, rule.windowSeconds).consume(key, 1);
    // Compared here rather than by the limiter: the same counter serves whatever budget the guild sets now.
    if (res.consumedPoints <= rule.points) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, res.msBeforeNext) };
  }

  /** Returns a command taken by `take` (another budget refused the command, so it did not run). */
  async giveBack(scope: BudgetScope, key: string, rule: BudgetRule): Promise<void> {
    await this.limiter(scope, rule.windowSeconds).reward(key, 1);
  }

  private limiter(scope: BudgetScope, windowSeconds: number): RateLimiterAbstract {
    const id = `${scope}:${windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (limiter) return limiter;
    // The window is in the prefix: counters written under another window length would expire at the wrong time.
    const options = {
      points: UNLIMITED,
      duration: windowSeconds,
      keyPrefix: `${BUDGET_KEY_PREFIX}:${scope}:${windowSeconds}`,
    };
    const memory = new RateLimiterMemory(options);
    limiter = this.redis
      ? new RateLimiterRedis({
          ...options,
          storeClient: this.redis,
          // No waiting on a connection that is down: the insurance limiter answers at once.
          rejectIfRedisNotReady: true,
          insuranceLimiter: memory,
        })
      : memory;
    if (this.limiters.size >= MAX_LIMITERS) this.limiters.delete(this.limiters.keys().next().value!);
    this.limiters.set(id, limiter);
    return limiter;
  }
}
