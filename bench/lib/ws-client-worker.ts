/**
 * A child process of bench/ws-fanout.ts holding a share of the WebSocket subscribers, so their work does not run
 * on the service's event loop. Each subscriber is a bare `ws` socket speaking the Socket.IO text protocol (the
 * handshake subscribes; pings are answered) and reading only the `sentAt` of each event: a full client's decoding
 * would measure the clients, not the service. Messages from the parent: `{ url, path, namespace, token,
 * guildIds, offset, count }`, then `'stop'` (subscriber j of this worker follows guildIds[(offset + j) % length]); it answers `{ ready: n }` and, at the end, every delivery's latency in ms.
 */
import WebSocket from 'ws';

interface Start {
  url: string;
  path: string;
  namespace: string;
  token: string;
  guildIds: string[];
  /** Global index of this worker's first subscriber: subscribers spread round-robin over the guilds. */
  offset: number;
  count: number;
}

const sockets: WebSocket[] = [];
const latencies: number[] = [];
let received = 0;
const SENT_AT = /"sentAt":([0-9.]+)/;

function subscriber(s: Start, guildId: string): Promise<WebSocket> {
  const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}${s.path}/?EIO=4&transport=websocket`);
  const eventPrefix = `42${s.namespace},`;
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const frame = data.toString();
      if (frame.startsWith(eventPrefix)) {
        received++;
        const m = SENT_AT.exec(frame);
        if (m) latencies.push(performance.timeOrigin + performance.now() - Number(m[1]));
      } else if (frame === '2') ws.send('3');
      else if (frame.startsWith('0{'))
        ws.send(`40${s.namespace},${JSON.stringify({ token: s.token, guildId })}`);
      else if (frame.startsWith(`40${s.namespace},`)) resolve(ws);
      else if (frame.startsWith(`44${s.namespace},`)) reject(new Error(frame));
    });
    ws.once('error', reject);
  });
}

async function connectAll(s: Start): Promise<void> {
  // A few hundred handshakes in flight at a time: the service accepts one connection per loop turn.
  for (let i = 0; i < s.count; i += 200) {
    const batch = Array.from({ length: Math.min(200, s.count - i) }, (_, k) =>
      subscriber(s, s.guildIds[(s.offset + i + k) % s.guildIds.length]),
    );
    sockets.push(...(await Promise.all(batch)));
  }
}

process.on('message', (msg: Start | 'stop') => {
  if (msg === 'stop') {
    const open = sockets.filter((w) => w.readyState === WebSocket.OPEN).length;
    process.send?.({ latencies, received, connected: open }, () => {
      for (const w of sockets) w.terminate();
      process.exit(0);
    });
    return;
  }
  connectAll(msg).then(
    () => process.send?.({ ready: sockets.length }),
    (err: unknown) => process.send?.({ error: String(err) }),
  );
});
