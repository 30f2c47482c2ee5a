import { ConflictError, ForbiddenError, NotFoundError, UnavailableError } from '../../platform/errors';

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
