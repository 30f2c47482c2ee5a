/**
 * A child process of bench/ws-fanout.ts holding a share of the WebSocket subscribers, so their decoding does not
 * run on the service's event loop. Messages from the parent: `{ url, path, namespace, token, guildId, count }`
 * to connect, then `'stop'`; it answers `{ ready: n }` and, at the end, every delivery's latency in ms.
 */
import { io, Socket } from 'socket.io-client';

interface Start {
  url: string;
  path: string;
  namespace: string;
  token: string;
  guildId: string;
  count: number;
}

const sockets: Socket[] = [];
const latencies: number[] = [];
let received = 0;

async function connectAll(s: Start): Promise<void> {
  for (let i = 0; i < s.count; i++) {
    const socket = io(`${s.url}${s.namespace}`, {
      path: s.path,
      transports: ['websocket'],
      auth: { token: s.token, guildId: s.guildId },
      reconnection: false,
      forceNew: true,
    });
    socket.on('event', (e: { data: { sentAt?: number } }) => {
      received++;
      if (typeof e.data.sentAt === 'number')
        latencies.push(performance.timeOrigin + performance.now() - e.data.sentAt);
    });
    sockets.push(socket);
    // A few hundred handshakes in flight at a time: the service accepts one connection per loop turn.
    if (i % 200 === 199) await Promise.all(sockets.slice(-200).map(connected));
  }
  await Promise.all(sockets.map(connected));
}

const connected = (socket: Socket): Promise<void> =>
  socket.connected
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });

process.on('message', (msg: Start | 'stop') => {
  if (msg === 'stop') {
    process.send?.({ latencies, received, connected: sockets.filter((s) => s.connected).length }, () => {
      for (const s of sockets) s.disconnect();
      process.exit(0);
    });
    return;
  }
  connectAll(msg).then(
    () => process.send?.({ ready: sockets.length }),
    (err: unknown) => process.send?.({ error: String(err) }),
  );
});
