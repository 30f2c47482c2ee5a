/**
 * REST throughput and latency: `GET /api/v1/guilds/:guildId/meetings` (JWT check, guild guard, throttler, the
 * repository, DTO mapping) next to a bare NestJS hello route served by the same process in the same run, at 100
 * and 1,000 connections. autocannon runs in a child process (one core for the load, one for the service). At
 * 1,000 connections also a closed loop whose connections are all accepted before the clock starts (undici), and
 * an open loop at half the measured capacity. Each row reports how soon the service accepted its connections.
 *
 * The API limits each token to 120 requests per minute, so the meetings route is driven with a fresh set of
 * tokens per run, handed out round-robin (each token stays far below its budget): the figures are the cost of
 * a served request. The cost of a refused one (429) is measured on its own with a single token.
 *
 *   npm run bench:rest
 *   BENCH_SECONDS=20 npm run bench:rest
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AccessTokenService } from '../src/modules/auth';
import { MeetingsService } from '../src/modules/meetings';
import { fakeSnowflake } from '../test/fakes/discord';
import { BenchHelloModule, startBenchApp } from './lib/bench-app';
import { runLoad, type LoadResult } from './lib/load-worker';
import { BenchRow, report } from './lib/report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '100,1000').split(',').map(Number);
const MEETINGS = 20;
const TOKENS_PER_RUN = Number(process.env.BENCH_TOKENS ?? 10_000);
const TARGET_P95_MS = 200;
/**
 * Closed-loop rows whose connections are all opened before the clock starts (`BENCH_PRECONNECTED`, comma-separated
 * connection counts; empty skips): autocannon opens its connections as the load starts, and a saturated service
 * accepts them slowly (finding 14), so its 1,000-connection rows run with fewer than 1,000 in the loop.
 */
const PRECONNECTED = (process.env.BENCH_PRECONNECTED ?? '1000').split(',').filter(Boolean).map(Number);
/**
 * The open-loop row: this many connections offering a fixed total rate. `BENCH_OPEN_RATE` in req/s, or by default
 * half the meetings route's closed-loop throughput measured just before (half load, whatever the machine); 0 skips.
 */
const OPEN_CONNECTIONS = Number(process.env.BENCH_OPEN_CONNECTIONS ?? 1_000);
const OPEN_RATE = process.env.BENCH_OPEN_RATE === undefined ? 'half' : Number(process.env.BENCH_OPEN_RATE);

/**
 * Counts the connections the service accepts from the moment a row starts, and says when the row's N connections
 * were all in. On a saturated event loop libuv accepts one connection per loop iteration (libuv#3696), so the
 * connections that arrive after the first few hundred wait in the kernel's accept queue (finding 14).
 */
function watchAccepts(server: Server, connections: number): () => string {
  const started = performance.now();
  let accepted = 0;
  let allAfterMs: number | undefined;
  const onConnection = (): void => {
    accepted += 1;
    if (accepted === connections) allAfterMs = performance.now() - started;
  };
  server.on('connection', onConnection);
  return () => {
    server.off('connection', onConnection);
    return allAfterMs === undefined
      ? `${accepted} of ${connections} by the end`
      : `all after ${(allAfterMs / 1_000).toFixed(2)} s`;
  };
}

/**
 * Waits until the service has gone 250 ms without accepting a connection (at most 5 s): a row's connections that
 * were still in the accept queue when it ended (closed by the load generator) are taken off it before the next
 * row starts, so they neither count as its connections nor sit ahead of them.
 */
async function drainAccepts(server: Server): Promise<void> {
  let last = performance.now();
  const onConnection = (): void => {
    last = performance.now();
  };
  server.on('connection', onConnection);
  const until = last + 5_000;
  while (performance.now() - last < 250 && performance.now() < until) await sleep(50);
  server.off('connection', onConnection);
}

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  const bench = await startBenchApp({ imports: [BenchHelloModule] });
  const dir = mkdtempSync(join(tmpdir(), 'kd-bench-tokens-'));
  const tokens = bench.app.get(AccessTokenService);
  const meetings = bench.app.get(MeetingsService);
  for (let i = 0; i < MEETINGS; i++) {
    await meetings.create({
      guildId: bench.guildId,
      channelId: bench.channelId,
      host: { userId: fakeSnowflake(), displayName: `Host ${i}`, role: 'moderator' },
      title: `Bench meeting ${i}`,
      type: 'meeting',
    });
  }
  let subject = 800_000_000_000_000_000n;
  const tokenFile = (count: number): string => {
    const list = Array.from({ length: count }, () => {
      subject += 1n;
      return tokens.issue({
        kind: 'user',
        subject: String(subject),
        displayName: 'Bench user',
        guilds: { [bench.guildId]: 'viewer' },
      }).token;
    });
    const file = join(dir, `tokens-${subject}.json`);
    writeFileSync(file, JSON.stringify(list));
    return file;
  };
  const server = bench.app.getHttpServer() as Server;
  /** Runs one row's load and reports how soon its connections were accepted. */
  const watched = async (
    connections: number,
    load: () => Promise<LoadResult>,
  ): Promise<[LoadResult, string]> => {
    const accepted = watchAccepts(server, connections);
    const result = await load();
    const summary = accepted();
    await drainAccepts(server);
    return [result, summary];
  };
  const hello = `${bench.url}/api/v1/bench/hello`;
  const list = `${bench.url}/api/v1/guilds/${bench.guildId}/meetings`;

  // Warm-up (JIT, pools): not recorded.
  await runLoad({ url: hello, connections: 50, seconds: 3 });
  await runLoad({ url: list, connections: 50, seconds: 3, tokensFile: tokenFile(2_000) });

  const rows: BenchRow[] = [];
  const row = (route: string, connections: number, r: LoadResult, extra: BenchRow = {}): BenchRow => ({
    route,
    connections,
    'req/s': r.rps,
    'p50 ms': r.p50,
    'p95 ms': r.p95,
    'p99 ms': r.p99,
    'max ms': r.max,
    '2xx': r.status2xx,
    '429s': r.status429,
    other: r.otherStatus + r.errors + r.timeouts,
    ...extra,
  });
  let failed = false;
  let capacity = 0;
  for (const connections of CONNECTIONS) {
    const tokensFile = tokenFile(TOKENS_PER_RUN);
    const [base, baseAccepted] = await watched(connections, () =>
      runLoad({ url: hello, connections, seconds: SECONDS }),
    );
    const [real, realAccepted] = await watched(connections, () =>
      runLoad({ url: list, connections, seconds: SECONDS, tokensFile }),
    );
    if (real.status2xx !== real.requests) failed = true;
    capacity = Math.max(capacity, real.rps);
    rows.push(
      row('GET /api/v1/bench/hello (bare Nest)', connections, base, { 'connections accepted': baseAccepted }),
    );
    rows.push(
      row(`GET /api/v1/guilds/:guildId/meetings (${MEETINGS} meetings)`, connections, real, {
        'connections accepted': realAccepted,
        'throughput vs hello': `${Math.round((real.rps / base.rps) * 100)} %`,
        'p95 vs hello': `${(real.p95 / Math.max(base.p95, 0.01)).toFixed(2)}×`,
      }),
    );
  }
  for (const connections of PRECONNECTED) {
    const tokensFile = tokenFile(TOKENS_PER_RUN);
    const preconnected = { connections, seconds: SECONDS, preconnected: true };
    const [base, baseAccepted] = await watched(connections, () => runLoad({ url: hello, ...preconnected }));
    const [real, realAccepted] = await watched(connections, () =>
      runLoad({ url: list, ...preconnected, tokensFile }),
    );
    if (real.status2xx !== real.requests) failed = true;
    rows.push(
      row('GET /api/v1/bench/hello (bare Nest), connected first', connections, base, {
        'connections accepted': baseAccepted,
      }),
    );
    rows.push(
      row(`GET …/meetings, connected first`, connections, real, {
        'connections accepted': realAccepted,
        'throughput vs hello': `${Math.round((real.rps / base.rps) * 100)} %`,
        'p95 vs hello': `${(real.p95 / Math.max(base.p95, 0.01)).toFixed(2)}×`,
      }),
    );
  }
  // 1,000 clients at a realistic pace: an open loop offering a fixed rate below capacity, so latency is the
  // route's, not the queue a closed loop builds at saturation (connections ÷ throughput).
  const openRate = OPEN_RATE === 'half' ? Math.round(capacity / 2) : OPEN_RATE;
  if (openRate > 0) {
    const tokensFile = tokenFile(TOKENS_PER_RUN);
    const [open, openAccepted] = await watched(OPEN_CONNECTIONS, () =>
      runLoad({ url: list, connections: OPEN_CONNECTIONS, seconds: SECONDS, rate: openRate, tokensFile }),
    );
    if (open.status2xx !== open.requests) failed = true;
    rows.push(
      row(`GET …/meetings, ${openRate} req/s offered`, OPEN_CONNECTIONS, open, {
        'connections accepted': openAccepted,
      }),
    );
  }
  // The refused path: one token, far over its 120/min budget → almost every answer is a 429.
  const limited = await runLoad({ url: list, connections: 100, seconds: SECONDS, tokensFile: tokenFile(1) });
  rows.push(row('GET …/meetings, one token (rate-limited path)', 100, limited));

  const verdict = (p95: number) =>
    `${p95 < TARGET_P95_MS ? 'meets' : 'misses'} the seed target < ${TARGET_P95_MS} ms, margin ${(TARGET_P95_MS / p95).toFixed(1)}×`;
  const closedRows = rows.filter(
    (r) =>
      String(r.route).startsWith('GET /api/v1/guilds/') ||
      String(r.route) === 'GET …/meetings, connected first',
  );
  const openRow = rows.find((r) => String(r.route).includes('offered'));
  report('rest-latency', 'REST: meetings list vs bare NestJS route', rows, [
    ...(openRow
      ? [
          `Open loop: ${OPEN_CONNECTIONS} connections offering ${openRate} req/s in all${OPEN_RATE === 'half' ? ' (half the closed-loop throughput above)' : ''} → p95 ${Number(openRow['p95 ms']).toFixed(1)} ms (${verdict(Number(openRow['p95 ms']))}).`,
        ]
      : []),
    `${SECONDS} s per row after a 3 s warm-up; autocannon in a child process; in-memory storage, sandbox Kaltura.`,
    `Meetings route driven with ${TOKENS_PER_RUN} fresh tokens per row, round-robin (each far below 120 req/min).`,
    ...closedRows.map(
      (r) =>
        `Closed loop, ${r.connections} connections${String(r.route).includes('connected first') ? ' connected first' : ` (autocannon; accepted: ${r['connections accepted']})`}: meetings p95 ${Number(r['p95 ms']).toFixed(1)} ms (${verdict(Number(r['p95 ms']))}); a saturated closed loop queues about connections ÷ throughput = ${Math.round((1_000 * Number(r.connections)) / Number(r['req/s']))} ms.`,
    ),
  ]);
  await bench.close();
  rmSync(dir, { recursive: true, force: true });
  if (failed) {
    console.error('Some meetings-list requests were not answered 2xx (see the table).');
    process.exitCode = 1;
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
