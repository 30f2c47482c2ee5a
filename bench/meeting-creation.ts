/**
 * Meeting creation end to end with a slow Kaltura: the fake Kaltura answers every API call after a fixed added
 * latency, and meetings are created (1) through `MeetingsService.create` (the use case every transport shares)
 * and (2) through `/kaltura-start` on the fake Discord gateway, timed from INTERACTION_CREATE to the ephemeral
 * reply carrying the host's link. Subtracting the injected latency × the number of Kaltura round trips gives the
 * project's own overhead.
 *
 *   npm run bench:creation
 *   BENCH_KALTURA_LATENCY_MS=200 BENCH_MEETINGS=30 npm run bench:creation
 */
import { Logger } from '@nestjs/common';
import { MeetingsService } from '../src/modules/meetings';
import type { FakeKaltura } from '../test/fakes/kaltura';
import { startBenchApp, sleep } from './lib/bench-app';
import { BenchRow, report, summarize } from './lib/report';

const LATENCY_MS = Number(process.env.BENCH_KALTURA_LATENCY_MS ?? 100);
const COUNT = Number(process.env.BENCH_MEETINGS ?? 30);
const TARGET_MS = 2_000;

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  const bench = await startBenchApp({ discord: true, kaltura: true });
  const fake = bench.discord!;
  const kaltura = bench.kaltura!;
  const meetings = bench.app.get(MeetingsService);
  const hostId = '700000000000000042';
  fake.upsertMember(bench.guildId, { userId: hostId, username: 'host' });
  kaltura.setLatency(LATENCY_MS);

  // Warm-up (admin KS, JIT): not recorded.
  for (let i = 0; i < 3; i++) {
    await meetings.create({
      guildId: bench.guildId,
      channelId: bench.channelId,
      host: { userId: hostId, displayName: 'Host', role: 'moderator' },
      title: `Warm-up ${i}`,
      type: 'meeting',
    });
  }

  const service: number[] = [];
  const roundTrips: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    kaltura.clearRecords();
    const t0 = performance.now();
    await meetings.create({
      guildId: bench.guildId,
      channelId: bench.channelId,
      host: { userId: hostId, displayName: 'Host', role: 'moderator' },
      title: `Service meeting ${i}`,
      type: 'meeting',
    });
    service.push(performance.now() - t0);
    roundTrips.push(kalturaRequests(kaltura));
  }

  const command: number[] = [];
  const commandTrips: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    kaltura.clearRecords();
    const handle = fake.sendSlashCommand({
      guildId: bench.guildId,
      channelId: bench.channelId,
      userId: hostId,
      name: 'kaltura-start',
      options: { type: 'meeting', title: `Command meeting ${i}` },
    });
    const done = await handle.waitFor((r) => r.callback !== null && r.edits.length > 0, 30_000, 'the reply');
    command.push(done.edits[0].elapsedMs);
    commandTrips.push(kalturaRequests(kaltura));
    await sleep(50); // lets the public meeting message go out before the next start
  }

  const row = (measure: string, sample: number[], trips: number[]): BenchRow => {
    const s = summarize(sample);
    const k = summarize(trips).p50;
    return {
      measure,
      n: s.n,
      'p50 ms': s.p50,
      'p95 ms': s.p95,
      'p99 ms': s.p99,
      'Kaltura HTTP requests': k,
      'injected ms': k * LATENCY_MS,
      'own overhead p50 ms': s.p50 - k * LATENCY_MS,
      'own overhead p95 ms': s.p95 - k * LATENCY_MS,
    };
  };
  const rows = [
    row('MeetingsService.create', service, roundTrips),
    row('/kaltura-start → reply with host link', command, commandTrips),
  ];
  const worst = Math.max(summarize(service).p95, summarize(command).p95);
  report('meeting-creation', `Meeting creation with Kaltura answering after ${LATENCY_MS} ms`, rows, [
    `${COUNT} meetings each way, one after another; fake Kaltura and fake Discord on loopback; in-memory storage.`,
    `"Kaltura HTTP requests" is the median number of HTTP requests the fake Kaltura received per creation (multirequests count once).`,
    `Seed target < ${TARGET_MS} ms → worst p95 ${worst.toFixed(0)} ms: ${worst < TARGET_MS ? 'meets' : 'misses'} it (margin ${(TARGET_MS / worst).toFixed(1)}×).`,
  ]);
  await bench.close();
}

/** HTTP requests the fake Kaltura received since its records were cleared. */
function kalturaRequests(kaltura: FakeKaltura): number {
  return kaltura.requests.length;
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
