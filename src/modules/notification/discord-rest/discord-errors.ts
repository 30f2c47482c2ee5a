/** How a failed Discord request should be handled. */
export interface DiscordFailure {
  /** Worth trying again later (rate limit, 5xx, network); false for a refusal that will not change. */
  retryable: boolean;
  /** Discord's `retry_after`, when it gave one. */
  retryAfterMs: number;
  /** For `lastError` and logs: what happened, without secrets. */
  message: string;
  outcome: 'rate_limited' | 'server_error' | 'network_error' | 'rejected';
}

/** A failure of our own making that retrying cannot fix (e.g. a configured channel that does not exist). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  code?: unknown;
  retryAfter?: unknown;
  rawError?: { message?: unknown; retry_after?: unknown };
  cause?: { code?: unknown };
};

const short = (text: unknown, max = 200): string =>
  typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, max) : '';

/**
 * Classifies an error from @discordjs/rest (or from the network under it). Reads fields rather than using
 * `instanceof`: errors may come from another realm (jest) or another copy of the library.
 */
export function classifyDiscordError(err: unknown): DiscordFailure {
  if (err instanceof PermanentDeliveryError) {
    return { retryable: false, retryAfterMs: 0, message: err.message, outcome: 'rejected' };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  // The error's name carries the route: `RateLimitError[/channels/:id/messages]`.
  if (typeof e.name === 'string' && e.name.startsWith('RateLimitError') && typeof e.retryAfter === 'number') {
    const seconds = (e.retryAfter / 1000).toFixed(1);
    return {
      retryable: true,
      retryAfterMs: e.retryAfter,
      message: `Discord rate limit: retry after ${seconds} s`,
      outcome: 'rate_limited',
    };
  }
  if (typeof e.status === 'number') {
    const status = e.status;
    if (status === 429) {
      const after = Number(e.rawError?.retry_after);
      const retryAfterMs = Number.isFinite(after) && after > 0 ? after * 1000 : 1000;
      return { retryable: true, retryAfterMs, message: 'Discord rate limit (429)', outcome: 'rate_limited' };
    }
    if (status >= 500 || status === 408) {
      return {
        retryable: true,
        retryAfterMs: 0,
        message: `Discord answered ${status}`,
        outcome: 'server_error',
      };
    }
    const code = typeof e.code === 'number' ? ` code ${e.code}` : '';
    const detail = short(e.rawError?.message) || short(e.message);
    return {
      retryable: false,
      retryAfterMs: 0,
      message: `Discord refused the message (${status}${code})${detail ? `: ${detail}` : ''}`,
      outcome: 'rejected',
    };
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return {
      retryable: true,
      retryAfterMs: 0,
      message: 'Discord did not answer in time',
      outcome: 'network_error',
    };
  }
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : null;
  if (code) {
    return {
      retryable: true,
      retryAfterMs: 0,
      message: `Network error reaching Discord (${code})`,
      outcome: 'network_error',
    };
  }
  const name = short(e.name, 60) || 'Error';
  return {
    retryable: true,
    retryAfterMs: 0,
    message: `Unexpected error reaching Discord (${name}: ${short(e.message, 120)})`,
    outcome: 'network_error',
  };
}
