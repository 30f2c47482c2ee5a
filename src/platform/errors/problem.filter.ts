import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import {
  GENERIC_500_DETAIL,
  buildProblem,
  codeForStatus,
  problemFromDomainError,
  sendProblem,
} from './problem';

/**
 * The one HTTP exception filter: every error leaves as `application/problem+json` with a `code` and the
 * `requestId`. Unexpected errors are logged in full and answered with a generic 500 that reveals nothing.
 * Non-HTTP contexts (Discord interactions) are left to their own filter.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();

    if (exception instanceof DomainError) {
      if (exception.status >= 500)
        this.logger.warn({ code: exception.code, err: exception }, exception.message);
      // A domain error that knows when to come back (budgets, a dependency's own 429) says so as HTTP does.
      const retryAfter = exception.details?.retryAfterSeconds;
      if ((exception.status === 429 || exception.status === 503) && Number.isInteger(retryAfter))
        res.setHeader('Retry-After', String(retryAfter));
      return sendProblem(res, problemFromDomainError(req, res, exception));
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'object' && body && 'message' in body && typeof body.message === 'string'
          ? body.message
          : exception.message;
      if (status >= 500) this.logger.error({ err: exception }, 'HTTP exception');
      return sendProblem(
        res,
        buildProblem(req, res, status, codeForStatus(status), status >= 500 ? GENERIC_500_DETAIL : message),
      );
    }
    this.logger.error({ err: exception }, 'Unhandled error');
    sendProblem(res, buildProblem(req, res, 500, 'INTERNAL_ERROR', GENERIC_500_DETAIL));
  }
}
