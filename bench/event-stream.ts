/**
 * Event stream (SSE) fan-out. One instance: BENCH_SUBSCRIBERS (10,000) concurrent `GET /api/v1/guilds/:id/events`
 * streams spread over BENCH_GUILDS guilds, events published at BENCH_RATE (100/s) round-robin over the guilds;
 * latency runs from `EventBus.publish` to the moment a subscriber's socket reads the event (wall clock, one
 * machine); memory per subscriber is the service's heap/RSS growth with every stream open, divided by their
 * count. Two replicas (`REDIS_URL` set): a second app instance on the same Redis publishes, subscribers listen on
 * the first: cross-pod latency through the Redis streams fan-out. Subscribers run in a child process so their
 * parsing does not share the service's event loop.
 *
 *   npm run bench:events                                              # one instance, in-process bus
 *   REDIS_URL=redis://127.0.0.1:6379/13 npm run bench:events          # Redis bus + the two-replica row
 */
import { fork, ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { Logger } from '@nestjs/common';
import { AccessTokenService } from '../src/modules/auth';
import { EventBus } from '../src/platform/events';
import { bootTestApp, TestApp } from '../test/support/app';
import { BenchRow, report, summarize } from './lib/report';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const GUILDS = Number(process.env.BENCH_GUILDS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CROSS_SUBSCRIBERS = Number(process.env.BENCH_CROSS_SUBSCRIBERS ?? 100);
const REDIS_URL = process.env.REDIS_URL;

const now = () => performance.timeOrigin + performance.now();
const guildIds = (n: number) => Array.from({ length: n }, (_, i) => String(900000000000000000n + BigInt(i)));

type ToChild =
  { kind: 'open'; url: string; streams: Array<{ guildId: string; token: string }> } | { kind: 'report' };
type FromChild = { kind: 'opened'; ok: number; failed: number } | { kind: 'latencies'; ms: number[] };

/** Child process: opens the streams, timestamps every event read. */
function subscriberMain(): void {
  const latencies: number[] = [];
  const stampRe = /"version":"(\d+(?:\.\d+)?)"/g;
  process.on('message', (m: ToChild) => {
    if (m.kind === 'report') return void process.send!({ kind: 'latencies', ms: latencies });
    let ok = 0;
    let failed = 0;
    let i = 0;
    const openNext = (): void => {
      if (i >= m.streams.length) return;
      const { guildId, token } = m.streams[i++];
      const req = request(
        `${m.url}/api/v1/guilds/${guildId}/events`,
        { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode === 200) ok++;
          else failed++;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const at = now();
            for (const match of chunk.matchAll(stampRe)) latencies.push(at - Number(match[1]));
          });
          if (ok + failed === m.streams.length) process.send!({ kind: 'opened', ok, failed });
          openNext();
        },
      );
      req.on('error', () => {
        failed++;
        if (ok + failed === m.streams.length) process.send!({ kind: 'opened', ok, failed });
        openNext();
      });
      req.end();
    };
    // 200 connects in flight at a time: the accept queue stays short.
    for (let k = 0; k < 200; k++) openNext();
  });
}

function ask<T extends FromChild['kind']>(child: ChildProcess, msg: ToChild, kind: T) {
  return new Promise<Extract<FromChild, { kind: T }>>((resolve) => {
    const on = (m: FromChild) => {
      if (m.kind !== kind) return;
      child.off('message', on);
      resolve(m as Extract<FromChild, { kind: T }>);
    };
    child.on('message', on);
    child.send(msg);
  });
}

function memory() {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

async function publishFor(bus: EventBus, guilds: string[], rate: number, seconds: number): Promise<number> {
  const total = rate * seconds;
  const start = now();
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / rate;
    const wait = due - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    void bus.publish({
      type: 'config.changed',
      version: 1,
      guildId: guilds[n % guilds.length],
      audience: 'admin',
      data: { version: String(now()), keys: ['commands.enabled'] },
    });
  }
  return total;
}

async function scenario(
  name: string,
  listenOn: TestApp,
  publishOn: TestApp,
  subscribers: number,
  guildCount: number,
): Promise<BenchRow> {
  const guilds = guildIds(guildCount);
  // One user per stream: the API's rate limit counts per user, and 10,000 streams are 10,000 listeners.
  const token = (i: number) =>
    listenOn.app.get(AccessTokenService).issue({
      kind: 'user',
      subject: String(760000000000000000n + BigInt(i)),
      displayName: 'bench',
      guilds: { [guilds[i % guilds.length]]: 'admin' },
    }).token;
  const child = fork(__filename, ['--subscriber'], { stdio: 'inherit' });
  const before = memory();
  const opened = await ask(
    child,
    {
      kind: 'open',
      url: listenOn.url!,
      streams: Array.from({ length: subscribers }, (_, i) => ({
        guildId: guilds[i % guilds.length],
        token: token(i),
      })),
    },
    'opened',
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const after = memory();
  const sent = await publishFor(publishOn.app.get(EventBus), guilds, RATE, SECONDS);
  await new Promise((r) => setTimeout(r, 2_000));
  const { ms } = await ask(child, { kind: 'report' }, 'latencies');
  child.kill();
  const expected = (sent * opened.ok) / guildCount;
  const s = summarize(ms);
  return {
    scenario: name,
    subscribers: opened.ok,
    'failed to open': opened.failed,
    guilds: guildCount,
    'events/s': RATE,
    'deliveries expected': Math.round(expected),
    delivered: s.n,
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    'max ms': s.max,
    'heap KiB/sub': (after.heap - before.heap) / 1024 / Math.max(1, opened.ok),
    'RSS KiB/sub': (after.rss - before.rss) / 1024 / Math.max(1, opened.ok),
  };
}

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  const env = { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error', ...(REDIS_URL ? { REDIS_URL } : {}) };
  const a = await bootTestApp(env, { listen: true });
  await a.app.get(EventBus).whenReady();
  const rows: BenchRow[] = [];
  rows.push(
    await scenario(
      REDIS_URL ? 'one instance (Redis bus)' : 'one instance (in-process bus)',
      a,
      a,
      SUBSCRIBERS,
      GUILDS,
    ),
  );
  if (REDIS_URL) {
    const b = await bootTestApp(env, { listen: true });
    await b.app.get(EventBus).whenReady();
    rows.push(await scenario('two replicas: publish on B, stream on A', a, b, CROSS_SUBSCRIBERS, 1));
    await b.close();
  }
  await a.close();
  report('event-stream', 'Event stream fan-out (SSE)', rows, [
    `${SECONDS} s at ${RATE} events/s, round-robin over the guilds; targets: fan-out p99 < 100 ms, cross-pod p99 < 50 ms`,
    'memory per subscriber: service heap/RSS growth with every stream open (before any event), divided by streams',
  ]);
  const lost = rows.some((r) => Number(r.delivered) < Number(r['deliveries expected']));
  process.exit(lost ? 1 : 0);
}

if (process.argv.includes('--subscriber')) subscriberMain();
else
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
