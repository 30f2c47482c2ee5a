/**
 * REST throughput and latency: `GET /api/v1/guilds/:guildId/meetings` (JWT check, guild guard, throttler, the
 * repository, DTO mapping) next to a bare NestJS hello route served by the same process in the same run, at 100
 * and 1,000 connections. autocannon runs in a child process (one core for the load, one for the service).
 *
 * The API limits each token to 120 requests per minute, so the meetings route is driven with a fresh set of
 * tokens per run, handed out round-robin (each token stays far below its budget): the figures are the cost of
 * a served request. The cost of a refused one (429) is measured on its own with a single token.
 *
 *   npm run bench:rest
 *   BENCH_SECONDS=20 npm run bench:rest
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
 * The open-loop row: this many connections offering a fixed total rate. `BENCH_OPEN_RATE` in req/s, or by default
 * half the meetings route's closed-loop throughput measured just before (half load, whatever the machine); 0 skips.
 */
const OPEN_CONNECTIONS = Number(process.env.BENCH_OPEN_CONNECTIONS ?? 1_000);
const OPEN_RATE = process.env.BENCH_OPEN_RATE === undefined ? 'half' : Number(process.env.BENCH_OPEN_RATE);

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
    const base = await runLoad({ url: hello, connections, seconds: SECONDS });
    const real = await runLoad({
      url: list,
      connections,
      seconds: SECONDS,
      tokensFile: tokenFile(TOKENS_PER_RUN),
    });
    if (real.status2xx !== real.requests) failed = true;
    capacity = Math.max(capacity, real.rps);
    rows.push(row('GET /api/v1/bench/hello (bare Nest)', connections, base));
    rows.push(
      row(`GET /api/v1/guilds/:guildId/meetings (${MEETINGS} meetings)`, connections, real, {
        'throughput vs hello': `${Math.round((real.rps / base.rps) * 100)} %`,
        'p95 vs hello': `${(real.p95 / Math.max(base.p95, 0.01)).toFixed(2)}×`,
      }),
    );
  }
  // 1,000 clients at a realistic pace: an open loop offering a fixed rate below capacity, so latency is the
  // route's, not the queue a closed loop builds at saturation (connections ÷ throughput).
  const openRate = OPEN_RATE === 'half' ? Math.round(capacity / 2) : OPEN_RATE;
  if (openRate > 0) {
    const open = await runLoad({
      url: list,
      connections: OPEN_CONNECTIONS,
      seconds: SECONDS,
      rate: openRate,
      tokensFile: tokenFile(TOKENS_PER_RUN),
    });
    if (open.status2xx !== open.requests) failed = true;
    rows.push(row(`GET …/meetings, ${openRate} req/s offered`, OPEN_CONNECTIONS, open));
  }
  // The refused path: one token, far over its 120/min budget → almost every answer is a 429.
  const limited = await runLoad({ url: list, connections: 100, seconds: SECONDS, tokensFile: tokenFile(1) });
  rows.push(row('GET …/meetings, one token (rate-limited path)', 100, limited));

  const verdict = (p95: number) =>
    `${p95 < TARGET_P95_MS ? 'meets' : 'misses'} the seed target < ${TARGET_P95_MS} ms, margin ${(TARGET_P95_MS / p95).toFixed(1)}×`;
  const closedRows = rows.filter((r) => String(r.route).startsWith('GET /api/v1/guilds/'));
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
        `Closed loop, ${r.connections} connections: meetings p95 ${Number(r['p95 ms']).toFixed(1)} ms (${verdict(Number(r['p95 ms']))}); a saturated closed loop queues about connections ÷ throughput = ${Math.round((1_000 * Number(r.connections)) / Number(r['req/s']))} ms.`,
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
