import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { buildProblem, sendProblem } from '../errors';

/**
 * How long a request body may take to arrive once its headers are in, in ms. Node's `requestTimeout` stops
 * counting when the headers are complete (measured on Node 20: a body trickled byte by byte holds its connection
 * and parser for as long as the client likes), so the body gets a deadline of its own. Legitimate senders need a
 * fraction of it: Discord gives an interaction 3 s in all, Kaltura posts a notification of a few kB at once, and
 * bodies are capped at 100 kB (webhooks 1 MB).
 */
export const BODY_TIMEOUT_MS = 30_000;

/** True when the request announces a body (a length above zero, or chunked). */
function announcesBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Answers `408 REQUEST_TIMEOUT` (problem+json, `Connection: close`) and closes the connection when a request's
 * body is not complete `timeoutMs` after its headers. Requests without a body are not watched.
 */
export function enforceBodyDeadline(server: Server, timeoutMs: number): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.complete || !announcesBody(req)) return;
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      res.setHeader('Connection', 'close');
      // The rest of the body is not waited for: the connection goes once the answer is out.
      res.once('finish', () => req.socket.destroy());
      const seconds = Math.round(timeoutMs / 100) / 10;
      sendProblem(
        res as Response,
        buildProblem(
          req as Request,
          res as Response,
          408,
          'REQUEST_TIMEOUT',
          `The request body did not arrive within ${seconds} s.`,
        ),
      );
    }, timeoutMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    req.once('end', clear);
    req.once('close', clear);
    res.once('close', clear);
  });
}
