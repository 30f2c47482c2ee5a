/**
 * The one error type modules throw. The global filter turns it into RFC 9457 problem+json for HTTP and into a
 * short ephemeral reply for Discord. `message` is shown to users: it must never carry a secret.
 */
export class DomainError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `MEETING_NOT_FOUND`. */
    readonly code: string,
    message: string,
    /** HTTP status the error maps to. */
    readonly status: number = 400,
    /** Extra structured detail safe to expose (e.g. `{ kalturaCode }`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A field-level problem, reported in `errors[]`. */
export interface FieldError {
  field: string;
  message: string;
}

/** Input that breaks a rule: 400 with per-field reasons. */
export class ValidationFailedError extends DomainError {
  constructor(
    readonly errors: FieldError[],
    message = 'The request is not valid.',
  ) {
    super('VALIDATION_FAILED', message, 400, { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 404);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 403);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 401);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

/** A dependency (Kaltura, Discord, storage) cannot serve the request right now: 503. */
export class UnavailableError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 503, details);
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
