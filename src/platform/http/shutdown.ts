import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { HealthRegistry } from '../health';

/**
 * Graceful stop: readiness turns 503, the HTTP server stops accepting and lets in-flight requests finish (idle
 * keep-alive sockets close at once), and only then are modules destroyed (Redis, MongoDB, Discord). Nest's own
 * order would destroy modules first, failing requests still running.
 * @param drainMs after this, remaining connections are cut.
 */
export async function gracefulShutdown(app: INestApplication, drainMs = 10_000): Promise<void> {
  app.get(HealthRegistry).markDraining();
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
      // A socket that finishes its last response while draining becomes idle but is kept alive: close those too.
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        clearTimeout(deadline);
        clearInterval(idleSweep);
        resolve();
      });
    });
  }
  await app.close();
}
