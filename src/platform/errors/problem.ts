import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError, FieldError } from './domain-error';

/** RFC 9457 problem details as this service writes them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  apiVersion?: string;
  errors?: FieldError[];
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export const GENERIC_500_DETAIL = 'An unexpected error occurred. Quote the requestId when reporting it.';

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

/** The request id pino-http assigned (or the one echoed in the response header). */
export function requestIdOf(req: Request, res: Response): string {
  const id = (req as Request & { id?: unknown }).id ?? res.getHeader('X-Request-Id');
  return typeof id === 'string' ? id : String(id ?? 'unknown');
}

export function buildProblem(
  req: Request,
  res: Response,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): Problem {
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  const version = /^\/api\/v(\d+)\//.exec(path)?.[1];
  return {
    type: `urn:kaltura-discord:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: path,
    code,
    requestId: requestIdOf(req, res),
    ...(version ? { apiVersion: version } : {}),
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(res: Response, problem: Problem): void {
  if (res.headersSent) return;
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Domain error → problem, keeping only what is safe to show. */
export function problemFromDomainError(req: Request, res: Response, e: DomainError): Problem {
  const errors = Array.isArray(e.details?.errors) ? (e.details.errors as FieldError[]) : undefined;
  return buildProblem(req, res, e.status, e.code, e.message, errors);
}
