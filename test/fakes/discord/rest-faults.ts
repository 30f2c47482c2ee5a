import { createHash } from 'node:crypto';
import type { RestResponse } from './http';
import type { RequestMatcher } from './types';

/** A fault the fake answers a REST request with. */
export type RestFault =
  | { kind: 'rateLimit'; retryAfter: number; global: boolean; scope: 'user' | 'global' | 'shared' }
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'hold' }
  /** Carried out, then answered with an error (a 5xx after the work, as when a proxy loses Discord's answer). */
  | { kind: 'lostAnswer'; status: number };

interface FaultRule {
  fault: RestFault;
  matcher: RequestMatcher;
  remaining: number;
}

/** Queue of injected REST faults: each rule answers the next `times` matching requests. */
export class RestFaults {
  private rules: FaultRule[] = [];

  /** Adds a rule; `times` may be Infinity. */
  add(fault: RestFault, matcher: RequestMatcher = {}, times = 1): void {
    if (!(times > 0)) throw new Error('FakeDiscord: a fault needs times > 0');
    this.rules.push({ fault, matcher, remaining: times });
  }

  /** The fault for this request, if a rule matches (and uses one of its times). */
  take(method: string, path: string, body?: unknown): RestFault | null {
    const rule = this.rules.find(
      (candidate) =>
        (!candidate.matcher.method || candidate.matcher.method.toUpperCase() === method) &&
        (!candidate.matcher.path || matches(candidate.matcher.path, path)) &&
        (!candidate.matcher.body || candidate.matcher.body(body)),
    );
    if (!rule) return null;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
    return rule.fault;
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** How many rules are still armed. */
  get size(): number {
    return this.rules.length;
  }
}

function matches(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0; // a /g or /y pattern keeps state between tests
  return pattern.test(path);
}

/** A bucket hash per route shape, as Discord sends in `X-RateLimit-Bucket`. */
export function bucketHash(method: string, path: string): string {
  const shape = `${method} ${path.replace(/\d{15,21}/g, ':id')}`;
  return createHash('sha1').update(shape).digest('hex').slice(0, 16);
}

/**
 * A 429 as Discord sends it. `Retry-After` is whole seconds (rounded up) like Discord's header; the body's
 * `retry_after` and `X-RateLimit-Reset-After` carry the exact float. Per-route limits also say the bucket is
 * empty (`X-RateLimit-Remaining: 0`), which is what makes @discordjs/rest queue and emit `rateLimited`.
 */
export function rateLimitResponse(
  fault: Extract<RestFault, { kind: 'rateLimit' }>,
  method: string,
  path: string,
): RestResponse {
  const retryAfter = fault.retryAfter;
  const headers: Record<string, string> = {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfter))),
    'X-RateLimit-Scope': fault.global ? 'global' : fault.scope,
  };
  if (fault.global) {
    headers['X-RateLimit-Global'] = 'true';
  } else {
    headers['X-RateLimit-Limit'] = '5';
    headers['X-RateLimit-Remaining'] = '0';
    headers['X-RateLimit-Reset'] = ((Date.now() + retryAfter * 1000) / 1000).toFixed(3);
    headers['X-RateLimit-Reset-After'] = retryAfter.toFixed(3);
    headers['X-RateLimit-Bucket'] = bucketHash(method, path);
  }
  return {
    status: 429,
    headers,
    body: {
      message: 'You are being rate limited.',
      retry_after: retryAfter,
      global: fault.global,
      ...(fault.global ? { code: 0 } : {}),
    },
  };
}
