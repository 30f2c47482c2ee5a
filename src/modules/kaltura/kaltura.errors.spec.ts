import { DomainError } from '../../platform/errors';
import {
  KalturaApiFault,
  KalturaTransportFault,
  classifyFailure,
  isApiException,
  toDomainError,
} from './kaltura.errors';

const axiosError = (props: Record<string, unknown>): Error =>
  Object.assign(new Error('x'), { isAxiosError: true, ...props });

describe('classifyFailure', () => {
  it('turns an API exception object into an API fault without keeping its message', () => {
    const fault = classifyFailure({
      code: 'INVALID_KS',
      message: 'Invalid KS "djJ8secret"',
      objectType: 'KalturaAPIException',
    });
    expect(fault).toBeInstanceOf(KalturaApiFault);
    expect((fault as KalturaApiFault).code).toBe('INVALID_KS');
    expect((fault as Error).message).not.toContain('djJ8');
  });

  it('does not trust an odd code', () => {
    expect((classifyFailure({ code: '<script>', message: 'm' }) as KalturaApiFault).code).toBe('UNKNOWN');
  });

  it('does not mistake an axios error (which has code and message) for an API exception', () => {
    expect(isApiException(axiosError({ code: 'ECONNRESET' }))).toBe(false);
  });

  it.each([
    [{ code: 'ECONNREFUSED' }, 'network', true, true],
    [{ code: 'ECONNRESET' }, 'network', true, false],
    [{ code: 'ECONNABORTED' }, 'timeout', true, false],
    [{ response: { status: 503 } }, 'http_status', true, true],
    [{ response: { status: 500 } }, 'http_status', true, false],
    [{ response: { status: 429 } }, 'http_status', true, true],
    [{ response: { status: 404 } }, 'http_status', false, false],
  ])('classifies axios %j', (props, reason, retryable, notProcessed) => {
    const fault = classifyFailure(axiosError(props)) as KalturaTransportFault;
    expect(fault).toBeInstanceOf(KalturaTransportFault);
    expect({ reason: fault.reason, retryable: fault.retryable, notProcessed: fault.notProcessed }).toEqual({
      reason,
      retryable,
      notProcessed,
    });
  });

  it('passes unrelated errors through', () => {
    const bug = new TypeError('bug');
    expect(classifyFailure(bug)).toBe(bug);
  });
});

describe('toDomainError', () => {
  it('maps INVALID_OBJECT_ID to MEETING_ROOM_NOT_FOUND (404)', () => {
    const e = toDomainError(new KalturaApiFault('INVALID_OBJECT_ID')) as DomainError;
    expect([e.code, e.status]).toEqual(['MEETING_ROOM_NOT_FOUND', 404]);
  });

  it('maps other API exceptions to KALTURA_REJECTED (502) with the Kaltura code', () => {
    const e = toDomainError({
      code: 'SERVICE_FORBIDDEN',
      message: 'no',
      objectType: 'KalturaAPIException',
    }) as DomainError;
    expect([e.code, e.status, e.details]).toEqual([
      'KALTURA_REJECTED',
      502,
      { kalturaCode: 'SERVICE_FORBIDDEN' },
    ]);
  });

  it('maps transport failures to KALTURA_UNAVAILABLE (503) with the reason', () => {
    const e = toDomainError(axiosError({ code: 'ETIMEDOUT' })) as DomainError;
    expect([e.code, e.status, e.details]).toEqual(['KALTURA_UNAVAILABLE', 503, { reason: 'timeout' }]);
  });
});
