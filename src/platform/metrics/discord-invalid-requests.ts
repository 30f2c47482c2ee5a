import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';

export const DISCORD_INVALID_REQUESTS = 'kd_discord_invalid_requests_total';

/**
 * Discord's "Invalid Request Limit" (topics/rate-limits.mdx): 10,000 responses of 401, 403 or 429 per 10 minutes
 * per IP get the IP banned (Cloudflare) for every guild at once; a 429 with `X-RateLimit-Scope: shared` does not
 * count. Every Discord REST client of the process reports here (the bot's, its interaction lane and the
 * notifications'), so the counter is per process: the alert sums pods behind one egress IP.
 */
const INVALID = new Set([401, 403, 429]);

export const discordInvalidRequestsProvider = makeCounterProvider({
  name: DISCORD_INVALID_REQUESTS,
  help: "Discord REST answers that count toward Discord's invalid-request limit (401, 403, 429 except shared scope), by status.",
  labelNames: ['status'],
});

/** What @discordjs/rest passes to its `response` event, as far as this needs it. */
interface ResponseLike {
  status: number;
  headers?: { get(name: string): string | null };
}

@Injectable()
export class DiscordInvalidRequests {
  constructor(@InjectMetric(DISCORD_INVALID_REQUESTS) private readonly counter: Counter<string>) {}

  /** Counts the invalid answers one @discordjs/rest client receives (its `response` event fires for each). */
  watch(rest: {
    on(event: 'response', listener: (request: unknown, response: ResponseLike) => void): unknown;
  }): void {
    rest.on('response', (_request, response) => this.record(response));
  }

  record(response: ResponseLike): void {
    if (!INVALID.has(response.status)) return;
    if (response.status === 429 && response.headers?.get('x-ratelimit-scope') === 'shared') return;
    this.counter.inc({ status: String(response.status) });
  }
}
