/**
 * WebSocket fan-out on one instance: N subscribers spread round-robin over G guilds (in child processes; G = 100 by
 * default, as the SSE bench; G = 1 puts every subscriber on one guild), events published on the bus at a fixed
 * rate, round-robin over the guilds; latency from publish to each subscriber's receipt (p50/p99 over every delivery), and the
 * service's memory per subscriber. In-process bus (no Redis): the cross-pod hop is the SSE/bus bench's subject.
 *
 *   npm run bench:ws
 *   BENCH_WS_CLIENTS=10000 BENCH_RATE=100 BENCH_SECONDS=10 npm run bench:ws
 *   BENCH_GUILDS=1 BENCH_WS_CLIENTS=1000 npm run bench:ws
 */
import { fork, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AccessTokenService } from '../src/modules/auth';
import { WS_NAMESPACE, WS_PATH } from '../src/modules/stream';
import { EventBus } from '../src/platform/events';
import { memoryMiB, sleep, startBenchApp } from './lib/bench-app';
import { BenchRow, report } from './lib/report';

const CLIENTS = (process.env.BENCH_WS_CLIENTS ?? '1000,10000').split(',').map(Number);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WS_WORKERS ?? 4);
const GUILDS = Number(process.env.BENCH_GUILDS ?? 100);

interface WorkerResult {
  latencies: number[];
  received: number;
  connected: number;
}

function ask<T>(child: ChildProcess, msg: unknown, done: (m: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: T & { error?: string }) => {
      if (m.error) return reject(new Error(m.error));
      if (done(m)) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send(msg as string);
  });
}

async function runOnce(clients: number): Promise<BenchRow> {
  const bench = await startBenchApp();
  try {
    const bus = bench.app.get(EventBus);
    const guildIds = [
      bench.guildId,
      ...Array.from({ length: GUILDS - 1 }, (_, g) => String(200000000000000000n + BigInt(g))),
    ];
    const token = bench.app.get(AccessTokenService).issue({
      kind: 'user',
      subject: '123456789012345678',
      displayName: 'Bench',
      guilds: Object.fromEntries(guildIds.map((id) => [id, 'viewer' as const])),
    }).token;
    // Subscribers per guild (round-robin), hence how many deliveries each event owes.
    const perGuild = guildIds.map((_, g) => Math.floor(clients / GUILDS) + (g < clients % GUILDS ? 1 : 0));
    await sleep(500);
    const before = memoryMiB();
    const workers = Array.from({ length: WORKERS }, () =>
      fork(join(__dirname, 'lib', 'ws-client-worker.js')),
    );
    const share = (i: number) => Math.floor(clients / WORKERS) + (i < clients % WORKERS ? 1 : 0);
    const offset = (i: number) => Array.from({ length: i }, (_, k) => share(k)).reduce((a, b) => a + b, 0);
    const started = performance.now();
    await Promise.all(
      workers.map((w, i) =>
        ask<{ ready?: number }>(
          w,
          {
            url: bench.url,
            path: WS_PATH,
            namespace: WS_NAMESPACE,
            token,
            guildIds,
            offset: offset(i),
            count: share(i),
          },
          (m) => m.ready !== undefined,
        ),
      ),
    );
    const connectSeconds = (performance.now() - started) / 1000;
    await sleep(1_000);
    const connectedMem = memoryMiB();

    // One second of events first, not timed: the sockets' code paths get compiled before the clock runs.
    const warm = RATE;
    const total = RATE * SECONDS;
    let expected = 0;
    const t0 = performance.now();
    for (let i = -warm; i < total; i++) {
      const g = (i + warm) % GUILDS;
      expected += perGuild[g];
      const due = t0 + ((i + warm) * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await bus.publish({
        type: 'bench.tick',
        version: 1,
        guildId: guildIds[g],
        audience: 'viewer',
        data: i < 0 ? { n: i } : { n: i, sentAt: performance.timeOrigin + performance.now() },
      });
    }
    await sleep(2_000);
    const results = await Promise.all(
      workers.map((w) => ask<WorkerResult>(w, 'stop', (m) => Array.isArray(m.latencies))),
    );
    // A million deliveries and more: sorted once as floats (summarize's spread would overflow the stack).
    const latencies = Float64Array.from(results.flatMap((r) => r.latencies)).sort();
    const at = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
    const received = results.reduce((n, r) => n + r.received, 0);
    const s = { p50: at(50), p99: at(99), max: latencies[latencies.length - 1] };
    return {
      subscribers: clients,
      guilds: GUILDS,
      'events/s': RATE,
      events: total,
      'deliveries/s': Math.round((expected / (warm + total)) * RATE),
      'deliveries lost': expected - received,
      'connect all (s)': connectSeconds,
      'p50 ms': s.p50,
      'p99 ms': s.p99,
      'max ms': s.max,
      'service RSS +MiB': connectedMem.rssMiB - before.rssMiB,
      'KiB/subscriber (RSS)': ((connectedMem.rssMiB - before.rssMiB) * 1024) / clients,
      'KiB/subscriber (heap)': ((connectedMem.heapUsedMiB - before.heapUsedMiB) * 1024) / clients,
    };
  } finally {
    await bench.close();
  }
}

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  const rows: BenchRow[] = [];
  for (const n of CLIENTS) rows.push(await runOnce(n));
  report('ws-fanout', 'WebSocket fan-out, one instance, in-process bus', rows, [
    `${RATE} events/s for ${SECONDS} s, round-robin over ${GUILDS} guild(s), each to every subscriber of its guild; subscribers in ${WORKERS} child processes`,
    'latency: publish on the bus → the subscriber decoded the event (same machine clock)',
  ]);
  if (rows.some((r) => Number(r['deliveries lost']) !== 0)) process.exitCode = 1;
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
