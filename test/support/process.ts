import net from 'node:net';
import { join } from 'node:path';

/** The built service, as `npm start` runs it (`npm test` builds it first). */
export const BUILT_MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
