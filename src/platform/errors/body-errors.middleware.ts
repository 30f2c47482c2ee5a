import type { NextFunction, Request, Response } from 'express';
import { buildProblem, codeForStatus, sendProblem } from './problem';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

const DETAIL_BY_TYPE: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'MALFORMED_BODY', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.'],
  'encoding.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported.'],
  'charset.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body charset is not supported.'],
  'request.aborted': [400, 'BAD_REQUEST', 'The request was aborted.'],
};

/**
 * Express error middleware placed right after the body parsers: their failures (bad JSON, too large) happen
 * before Nest's routing and would otherwise reach Express's HTML error page.
 */
export function bodyErrorMiddleware(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const e = (err ?? {}) as BodyParserError;
  const known = e.type ? DETAIL_BY_TYPE[e.type] : undefined;
  const status = known?.[0] ?? e.status ?? e.statusCode;
  if (!status || status >= 500) return next(err);
  const [, code, detail] = known ?? [status, codeForStatus(status), 'The request body could not be read.'];
  sendProblem(res, buildProblem(req, res, status, code, detail));
}
