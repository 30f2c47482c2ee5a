import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

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
 * `app.listen` with `LISTEN_BACKLOG` and `KEEP_ALIVE_TIMEOUT_MS` (headers may take a second longer, so an idle
 * connection is never cut by the headers timer first). Nest passes its arguments through to `http.Server#listen(port[, host]
 * [, backlog])`, whose backlog its own types do not declare. Without `host`, every interface, as `app.listen`.
 */
export function listen(app: INestApplication, port: number, host?: string): Promise<unknown> {
  type ListenWithBacklog = (port: number, ...args: Array<string | number>) => Promise<unknown>;
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const listenWith = app.listen.bind(app) as unknown as ListenWithBacklog;
  return host === undefined ? listenWith(port, LISTEN_BACKLOG) : listenWith(port, host, LISTEN_BACKLOG);
}
