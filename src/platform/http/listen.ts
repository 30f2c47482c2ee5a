import type { INestApplication } from '@nestjs/common';

/**
 * Connections the kernel queues for the listener before the process accepts them. Node's default is 511: when a
 * crowd of clients connects at once while the event loop is busy, the rest are dropped and retry their SYN
 * seconds later. The kernel caps the value at `net.core.somaxconn` (4,096 on current Linux).
 */
export const LISTEN_BACKLOG = 4096;

/**
 * `app.listen` with `LISTEN_BACKLOG`. Nest passes its arguments through to `http.Server#listen(port[, host]
 * [, backlog])`, whose backlog its own types do not declare. Without `host`, every interface, as `app.listen`.
 */
export function listen(app: INestApplication, port: number, host?: string): Promise<unknown> {
  type ListenWithBacklog = (port: number, ...args: Array<string | number>) => Promise<unknown>;
  const listenWith = app.listen.bind(app) as unknown as ListenWithBacklog;
  return host === undefined ? listenWith(port, LISTEN_BACKLOG) : listenWith(port, host, LISTEN_BACKLOG);
}
