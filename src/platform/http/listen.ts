import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { BODY_TIMEOUT_MS, enforceBodyDeadline } from './body-deadline';

/**
 * Connections the kernel queues for the listener before the process accepts them. Node's default is 511: when a
 * crowd of clients connects at once while the event loop is busy, the rest are dropped and retry their SYN
 * seconds later. The kernel caps the value at `net.core.somaxconn` (4,096 on current Linux).
 */
export const LISTEN_BACKLOG = 4096;

/**
 * How long an idle keep-alive connection stays open, in ms. Node's default (5 s) is shorter than the idle timeout of
 * the proxies in front of the service (nginx's upstream keep-alive and cloud load balancers: 60 s), so a proxy can
 * send a request on a connection the service is closing at that moment and answer its client 502. Longer than
 * theirs, the proxy closes first. Reused connections also spare a busy instance new connections, which it accepts
 * one per event-loop iteration (docs/benchmarks.md, finding 14).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Node's `requestTimeout`, in ms (its default: 300 s): counted from a request's first byte, it ends a request whose
 * headers are still incomplete with 408 (on Node 20 it stops counting once the headers are in: the body has its
 * own deadline, `BODY_TIMEOUT_MS`). A client that trickles its headers ties up a connection and a parser for that
 * long; none of the legitimate senders needs more than a fraction of a second (Discord gives an interaction 3 s
 * in all; Kaltura's batch servers send a notification at once). It does not touch idle keep-alive connections
 * between requests: `KEEP_ALIVE_TIMEOUT_MS` does.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * How often Node checks the request and headers timers, in ms. Its default (30 s) would let a 30 s limit run to
 * 60 s; 5 s keeps it within 35 s for a walk over the open requests.
 */
export const TIMEOUT_CHECK_INTERVAL_MS = 5_000;

/** Timers of the HTTP server; tests shorten them. */
export interface ServerTimeouts {
  keepAliveMs: number;
  headersMs: number;
  requestMs: number;
  bodyMs: number;
  checkIntervalMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  keepAliveMs: KEEP_ALIVE_TIMEOUT_MS,
  // A second longer than keep-alive, as proxies' advice has it; the request timeout bounds headers sooner.
  headersMs: KEEP_ALIVE_TIMEOUT_MS + 1_000,
  requestMs: REQUEST_TIMEOUT_MS,
  bodyMs: BODY_TIMEOUT_MS,
  checkIntervalMs: TIMEOUT_CHECK_INTERVAL_MS,
};

/**
 * `app.listen` with `LISTEN_BACKLOG` and the `SERVER_TIMEOUTS`. Nest passes its arguments through to
 * `http.Server#listen(port[, host][, backlog])`, whose backlog its own types do not declare. Without `host`,
 * every interface, as `app.listen`.
 */
export function listen(
  app: INestApplication,
  port: number,
  host?: string,
  timeouts: ServerTimeouts = SERVER_TIMEOUTS,
): Promise<unknown> {
  type ListenWithBacklog = (port: number, ...args: Array<string | number>) => Promise<unknown>;
  const server = app.getHttpServer() as Server & { connectionsCheckingInterval?: number };
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  // Node reads it when the server starts listening (the createServer option of the same name, which Nest's
  // adapter does not pass through).
  server.connectionsCheckingInterval = timeouts.checkIntervalMs;
  enforceBodyDeadline(server, timeouts.bodyMs);
  const listenWith = app.listen.bind(app) as unknown as ListenWithBacklog;
  return host === undefined ? listenWith(port, LISTEN_BACKLOG) : listenWith(port, host, LISTEN_BACKLOG);
}
