import { DomainError, NotFoundError, UnavailableError } from '../../platform/errors';

/** Domain error codes this module throws (and their HTTP statuses). */
export const KALTURA_ERROR_CODES = {
  /** 503: Kaltura could not be reached (timeout, network, 5xx, breaker open, rate limited). Safe to retry later. */
  KALTURA_UNAVAILABLE: 'KALTURA_UNAVAILABLE',
  /** 502: Kaltura answered with an API exception; `details.kalturaCode` names it. */
  KALTURA_REJECTED: 'KALTURA_REJECTED',
  /** 404: the room (schedule resource) does not exist in Kaltura. */
  MEETING_ROOM_NOT_FOUND: 'MEETING_ROOM_NOT_FOUND',
} as const;

/** `rate_limited`: Kaltura's rate limiter kept answering `ACTION_BLOCKED` until the call's deadline. */
export type KalturaUnavailableReason =
  'timeout' | 'network' | 'http_status' | 'circuit_open' | 'bad_response' | 'rate_limited';

export class KalturaUnavailableError extends UnavailableError {
  constructor(readonly reason: KalturaUnavailableReason) {
    super(
      KALTURA_ERROR_CODES.KALTURA_UNAVAILABLE,
      'Kaltura cannot be reached right now. Try again shortly.',
      {
        reason,
      },
    );
  }
}

export class KalturaRejectedError extends DomainError {
  constructor(readonly kalturaCode: string) {
    super(KALTURA_ERROR_CODES.KALTURA_REJECTED, `Kaltura refused the request (${kalturaCode}).`, 502, {
      kalturaCode,
    });
  }
}

export class MeetingRoomNotFoundError extends NotFoundError {
  constructor() {
    super(KALTURA_ERROR_CODES.MEETING_ROOM_NOT_FOUND, 'The Kaltura meeting room does not exist (any more).');
  }
}

/**
 * A `KalturaAPIException` answer (HTTP 200). Internal: adapters turn it into a domain error. Kaltura's own
 * message is deliberately dropped: for `INVALID_KS` it quotes the KS.
 */
export class KalturaApiFault extends Error {
  constructor(readonly code: string) {
    super(`Kaltura API exception ${code}`);
    this.name = 'KalturaApiFault';
  }
}

/** The request did not get a Kaltura answer. Internal: drives retries and the circuit breaker. */
export class KalturaTransportFault extends Error {
  constructor(
    readonly reason: Exclude<KalturaUnavailableReason, 'circuit_open' | 'rate_limited'>,
    /** Worth another attempt (network trouble, timeout, 5xx, 429). */
    readonly retryable: boolean,
    /** Kaltura certainly did not act on it (refused connection, 502/503/429): a write may be repeated. */
    readonly notProcessed: boolean,
    /** Short, secret-free description for logs (`ECONNRESET`, `HTTP 503`). */
    readonly detail: string,
  ) {
    super(`Kaltura transport failure: ${detail}`);
    this.name = 'KalturaTransportFault';
  }
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUTS = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const SAFE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

interface ApiExceptionShape {
  code: string;
  message: string;
}
interface AxiosErrorShape {
  isAxiosError: true;
  code?: string;
  response?: { status?: number };
}

/** The plain object kaltura-client rejects with (or puts in a multirequest slot) for an API exception. */
export function isApiException(value: unknown): value is ApiExceptionShape {
  // Transport errors (axios) also carry `code` and `message`, but they are Error instances.
  if (typeof value !== 'object' || value === null || value instanceof Error) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    (v.objectType ?? 'KalturaAPIException') === 'KalturaAPIException'
  );
}

/** Turns whatever kaltura-client rejected with into an internal fault; other errors pass through unchanged. */
export function classifyFailure(raw: unknown): unknown {
  if (raw instanceof KalturaApiFault || raw instanceof KalturaTransportFault) return raw;
  if (isApiException(raw)) return new KalturaApiFault(SAFE_CODE.test(raw.code) ? raw.code : 'UNKNOWN');
  if (typeof raw === 'object' && raw !== null && (raw as Partial<AxiosErrorShape>).isAxiosError === true) {
    const err = raw as AxiosErrorShape;
    const status = err.response?.status;
    if (status !== undefined) {
      const retryable = status >= 500 || status === 429;
      return new KalturaTransportFault(
        'http_status',
        retryable,
        [429, 502, 503].includes(status),
        `HTTP ${status}`,
      );
    }
    const code = err.code && /^[A-Z_]{2,40}$/.test(err.code) ? err.code : 'ERR_NETWORK';
    if (TIMEOUTS.has(code)) return new KalturaTransportFault('timeout', true, false, code);
    return new KalturaTransportFault('network', true, NOT_SENT.has(code), code);
  }
  return raw;
}

/** Maps an internal fault to the domain error the port promises; domain errors and unknown errors pass through. */
export function toDomainError(error: unknown): unknown {
  const fault = classifyFailure(error);
  if (fault instanceof KalturaApiFault) {
    if (fault.code === 'ACTION_BLOCKED') return new KalturaUnavailableError('rate_limited');
    return fault.code === 'INVALID_OBJECT_ID'
      ? new MeetingRoomNotFoundError()
      : new KalturaRejectedError(fault.code);
  }
  if (fault instanceof KalturaTransportFault) return new KalturaUnavailableError(fault.reason);
  return fault;
}

/** True when `error` is the API exception `code`. */
export function isKalturaCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof KalturaApiFault && codes.includes(error.code);
}
