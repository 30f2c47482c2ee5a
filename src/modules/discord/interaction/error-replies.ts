import { HttpException } from '@nestjs/common';
import { DomainError, ValidationFailedError } from '../../../platform/errors';

/** How an error is answered in Discord and how loudly it is logged. */
export interface ErrorReply {
  content: string;
  /** `refused`: the user's own doing or a rule (no log noise); `failed`: a dependency; `bug`: unexpected. */
  outcome: 'refused' | 'failed' | 'bug';
}

export const KALTURA_UNREACHABLE = 'Kaltura is not reachable right now; try again in a minute.';
export const DISCORD_UNAVAILABLE = 'Discord is having trouble right now; try again in a minute.';

/**
 * Discord itself failing: a 5xx (@discordjs/rest's `HTTPError`, which has a status but no Discord error code) or a
 * request that timed out (`AbortError`). Checked by shape, as above.
 */
export function isDiscordOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, status, code } = error as { name?: unknown; status?: unknown; code?: unknown };
  if (name === 'AbortError') return true;
  return name === 'HTTPError' && typeof status === 'number' && status >= 500 && typeof code !== 'number';
}

/** A Discord REST error as @discordjs/rest throws it (checked by shape: no realm-sensitive instanceof). */
export function discordErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, status } = error as { code?: unknown; status?: unknown };
  return typeof code === 'number' && typeof status === 'number' ? code : undefined;
}

/** A spent command budget, with the time to retry as a Discord timestamp (shown in the reader's own time). */
function rateLimitedReply(error: DomainError): string {
  const at = Date.parse(String(error.details?.retryAt));
  if (!Number.isFinite(at)) return error.message;
  const who = error.details?.scope === 'guild' ? 'This server is' : 'You are';
  return `${who} using meeting commands too quickly. Try again <t:${Math.ceil(at / 1000)}:R>.`;
}

/**
 * The short, secret-free answer for an error. Domain errors carry user-safe messages by contract; anything
 * unexpected gets a generic text with a reference to find it in the logs.
 */
export function replyForError(error: unknown, reference: string): ErrorReply {
  if (error instanceof DomainError) {
    if (error.code === 'KALTURA_UNAVAILABLE') return { content: KALTURA_UNREACHABLE, outcome: 'failed' };
    if (error.code === 'KALTURA_REJECTED') {
      const code = typeof error.details?.kalturaCode === 'string' ? ` (${error.details.kalturaCode})` : '';
      return {
        content: `Kaltura refused the request${code}. If this keeps happening, ask an admin to check the Kaltura settings.`,
        outcome: 'failed',
      };
    }
    if (error instanceof ValidationFailedError) return { content: error.message, outcome: 'refused' };
    if (error.code === 'COMMAND_RATE_LIMITED')
      return { content: rateLimitedReply(error), outcome: 'refused' };
    return { content: error.message, outcome: error.status >= 500 ? 'failed' : 'refused' };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    // e.g. a necord guard that returned false.
    return { content: "You can't do that here.", outcome: 'refused' };
  }
  if (isDiscordOutage(error)) return { content: DISCORD_UNAVAILABLE, outcome: 'failed' };
  const discordCode = discordErrorCode(error);
  if (discordCode !== undefined) {
    return {
      content: `Discord refused that action (code ${discordCode}). Check that the bot can see and post in this channel.`,
      outcome: 'failed',
    };
  }
  return { content: `Something went wrong on our side. Reference: ${reference}`, outcome: 'bug' };
}
