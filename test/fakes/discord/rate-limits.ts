/**
 * Discord's rate limits as the fake applies them by default (topics/rate-limits.mdx):
 * - "All bots can make up to 50 requests per second to our API … This global rate limit is applied per bot";
 *   "Interaction endpoints are not bound to the bot's Global Rate Limit" (also receiving-and-responding.mdx,
 *   Endpoints: "not bound to the application's Global Rate Limit"). Over it: 429 with `X-RateLimit-Global: true`,
 *   `X-RateLimit-Scope: global`, `Retry-After`, and a body `{ message, retry_after, global: true }`.
 * - Per-route buckets: most answers carry `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds),
 *   `-Reset-After` (seconds, float) and `-Bucket` (a hash shared by routes of one shape; "Per-route rate limits
 *   may vary"). Buckets are per major parameter (`channel_id`, `guild_id`, `webhook_id` + `webhook_token`).
 *   Discord does not publish per-route figures: the fake's limit and window are settings (unconfirmed values).
 */
import type { RestResponse } from './http';
import { bucketHash } from './rest-faults';

/** Interaction callbacks and the interaction webhook (`/webhooks/{application}/{token}…`). */
function isInteractionRoute(path: string, applicationId: string): boolean {
  return path.startsWith('/interactions/') || path.startsWith(`/webhooks/${applicationId}/`);
}

/** The route's major parameter, which splits one bucket shape into separate buckets. */
function majorParameter(path: string): string {
  const match = /^\/(channels|guilds)\/(\d+)/.exec(path) ?? /^\/(webhooks)\/(\d+\/[^/]+)/.exec(path);
  return match ? `${match[1]}:${match[2]}` : 'none';
}

interface Window {
  startedAt: number;
  count: number;
}

/** Counts requests per second (global) and per bucket window; answers 429 or headers. */
export class RateLimits {
  private global: Window = { startedAt: 0, count: 0 };
  private readonly buckets = new Map<string, Window>();

  constructor(
    private readonly settings: {
      globalRateLimit: number | false;
      routeRateLimit: { limit: number; windowMs: number } | false;
      applicationId: string;
    },
  ) {}

  /**
   * A global 429 when a bot-authenticated, non-interaction request exceeds the global limit in this second;
   * null otherwise (the request counts).
   */
  checkGlobal(path: string, botAuthenticated: boolean, now = Date.now()): RestResponse | null {
    const limit = this.settings.globalRateLimit;
    if (limit === false || !botAuthenticated || isInteractionRoute(path, this.settings.applicationId))
      return null;
    if (now - this.global.startedAt >= 1000) this.global = { startedAt: now, count: 0 };
    this.global.count++;
    if (this.global.count <= limit) return null;
    const retryAfter = Math.max(0.001, (this.global.startedAt + 1000 - now) / 1000);
    return {
      status: 429,
      headers: {
        'Retry-After': String(Math.max(1, Math.ceil(retryAfter))),
        'X-RateLimit-Global': 'true',
        'X-RateLimit-Scope': 'global',
      },
      body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
    };
  }

  /**
   * Takes one request from the route's bucket: a 429 (scope `user`) when it is empty, else the `X-RateLimit-*`
   * headers to add to the answer.
   */
  takeRoute(
    method: string,
    path: string,
    route: string | null,
    now = Date.now(),
  ): { limited: RestResponse } | { headers: Record<string, string> } {
    const config = this.settings.routeRateLimit;
    if (config === false || route === null) return { headers: {} };
    const bucket = bucketHash(method, route.slice(route.indexOf(' ') + 1));
    const key = `${bucket}/${majorParameter(path)}`;
    let window = this.buckets.get(key);
    if (!window || now - window.startedAt >= config.windowMs) {
      window = { startedAt: now, count: 0 };
      this.buckets.set(key, window);
    }
    const resetAfter = Math.max(0, (window.startedAt + config.windowMs - now) / 1000);
    const headers = (remaining: number): Record<string, string> => ({
      'X-RateLimit-Limit': String(config.limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': ((now + resetAfter * 1000) / 1000).toFixed(3),
      'X-RateLimit-Reset-After': resetAfter.toFixed(3),
      'X-RateLimit-Bucket': bucket,
    });
    if (window.count >= config.limit) {
      return {
        limited: {
          status: 429,
          headers: {
            ...headers(0),
            'Retry-After': String(Math.max(1, Math.ceil(resetAfter))),
            'X-RateLimit-Scope': 'user',
          },
          body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
        },
      };
    }
    window.count++;
    return { headers: headers(config.limit - window.count) };
  }
}
