import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnavailableError,
} from '../../platform/errors';

/** Error codes of the meetings module. */
export const MEETING_ERROR_CODES = {
  /** 404: no such meeting in this guild (also for a meeting of another guild). */
  MEETING_NOT_FOUND: 'MEETING_NOT_FOUND',
  /** 409: the meeting has ended; nobody can join it any more. */
  MEETING_ENDED: 'MEETING_ENDED',
  /** 403: only the host or an admin may end a meeting. */
  MEETING_END_FORBIDDEN: 'MEETING_END_FORBIDDEN',
  /** 503: the meeting could not be stored; its Kaltura room was removed again. */
  MEETING_STORAGE_UNAVAILABLE: 'MEETING_STORAGE_UNAVAILABLE',
  /** 429: the member's or the guild's command budget is spent; `details.retryAfterSeconds` says for how long. */
  COMMAND_RATE_LIMITED: 'COMMAND_RATE_LIMITED',
  /** 409: the host or the guild already has as many active meetings as its configuration allows. */
  ACTIVE_MEETINGS_LIMIT: 'ACTIVE_MEETINGS_LIMIT',
  /** 409: an identical start (same host, channel and title) is still being made; try again shortly. */
  MEETING_START_PENDING: 'MEETING_START_PENDING',
} as const;

export class MeetingNotFoundError extends NotFoundError {
  constructor() {
    super(MEETING_ERROR_CODES.MEETING_NOT_FOUND, 'There is no such meeting in this server.');
  }
}

export class MeetingEndedError extends ConflictError {
  constructor() {
    super(MEETING_ERROR_CODES.MEETING_ENDED, 'This meeting has ended.');
  }
}

export class MeetingEndForbiddenError extends ForbiddenError {
  constructor() {
    super(MEETING_ERROR_CODES.MEETING_END_FORBIDDEN, 'Only the host or an admin can end this meeting.');
  }
}

export class MeetingStorageUnavailableError extends UnavailableError {
  constructor() {
    super(
      MEETING_ERROR_CODES.MEETING_STORAGE_UNAVAILABLE,
      'The meeting could not be saved, so it was not created. Try again shortly.',
    );
  }
}

/**
 * A command budget is spent. `details` carries `scope` (member or guild), `retryAfterSeconds` (HTTP sends it as
 * `Retry-After`) and `retryAt` (ISO time; Discord shows it as a relative timestamp).
 */
export class CommandRateLimitedError extends DomainError {
  constructor(scope: 'member' | 'guild', retryAfterMs: number, now = Date.now()) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const who = scope === 'member' ? 'You are' : 'This server is';
    super(
      MEETING_ERROR_CODES.COMMAND_RATE_LIMITED,
      `${who} using meeting commands too quickly. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      429,
      { scope, retryAfterSeconds: seconds, retryAt: new Date(now + seconds * 1000).toISOString() },
    );
  }
}

export class ActiveMeetingsLimitError extends ConflictError {
  constructor(
    readonly scope: 'host' | 'guild',
    readonly limit: number,
  ) {
    super(
      MEETING_ERROR_CODES.ACTIVE_MEETINGS_LIMIT,
      scope === 'host'
        ? `You already host ${limit} active meeting${limit === 1 ? '' : 's'}, the most this server allows. End one first.`
        : `This server already has ${limit} active meeting${limit === 1 ? '' : 's'}, the most it allows. End one first.`,
    );
  }
}

export class MeetingStartPendingError extends ConflictError {
  constructor() {
    super(
      MEETING_ERROR_CODES.MEETING_START_PENDING,
      'The same meeting is still being started; try again in a moment.',
    );
  }
}
