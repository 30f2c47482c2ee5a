/**
 * Slash-command latency under a crowd: N members of one guild send `/kaltura-join` for the same running meeting
 * through the fake Discord gateway at once. Measured per interaction: INTERACTION_CREATE dispatched → the
 * app's callback (the deferred ephemeral reply; Discord's 3 s deadline) and → the edit carrying the personal
 * link (authorize, resolve the meeting, ensure the Kaltura user on the fake Kaltura, sign the KS).
 *
 * A steady row first (members arriving at BENCH_STEADY_RATE per second), then the bursts.
 * Every level uses new members (no warm Kaltura-user cache). Dispatches go out in waves of BENCH_WAVE (default
 * 1,000) back to back, without waiting for answers, so all N are in flight together.
 *
 *   npm run bench:interactions
 *   BENCH_MEMBERS=1000,10000 BENCH_WAVE=1000 npm run bench:interactions
 */
import { Logger } from '@nestjs/common';
import { MeetingsService } from '../src/modules/meetings';
import type { InteractionHandle } from '../test/fakes/discord';
import { startBenchApp, sleep } from './lib/bench-app';
import { BenchRow, report, summarize } from './lib/report';

const LEVELS = (process.env.BENCH_MEMBERS ?? '1000,10000').split(',').map(Number);
const WAVE = Number(process.env.BENCH_WAVE ?? 1_000);
/** A steady arrival rate under discord.js's 50 requests/s for the link edits: what a busy instance sees. */
const STEADY_MEMBERS = Number(process.env.BENCH_STEADY_MEMBERS ?? 1_000);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 40);
const ACK_DEADLINE_MS = 3_000;
/** How long to wait for the link edits of one level (discord.js sends them at most 50/s, see docs/benchmarks.md). */
const EDIT_WAIT_MS = Number(process.env.BENCH_EDIT_WAIT_MS ?? 240_000);

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  const bench = await startBenchApp({ discord: true, kaltura: true });
  const fake = bench.discord!;
  const meeting = await bench.app.get(MeetingsService).create({
    guildId: bench.guildId,
    channelId: bench.channelId,
    host: { userId: '700000000000000001', displayName: 'Bench host', role: 'moderator' },
    title: 'Town hall',
    type: 'meeting',
  });

  const rows: BenchRow[] = [];
  const notes: string[] = [];
  let user = 810_000_000_000_000_000n;
  let failed = false;
  let seen = 0;
  // Warm-up (50 joins, not recorded), then a steady arrival rate, then the bursts.
  const plan: Array<{ level: number; rate?: number }> = [
    { level: 50 },
    ...(STEADY_MEMBERS > 0 ? [{ level: STEADY_MEMBERS, rate: STEADY_RATE }] : []),
    ...LEVELS.map((level) => ({ level })),
  ];
  for (const { level, rate } of plan) {
    const members = Array.from({ length: level }, (_, i) => {
      user += 1n;
      const userId = String(user);
      fake.upsertMember(bench.guildId, { userId, username: `member${i}` });
      return userId;
    });
    const handles: InteractionHandle[] = [];
    const started = Date.now();
    for (let i = 0; i < members.length; i++) {
      if (rate) {
        const wait = started + (i * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
      }
      handles.push(
        fake.sendSlashCommand({
          guildId: bench.guildId,
          channelId: bench.channelId,
          userId: members[i],
          name: 'kaltura-join',
          options: { 'meeting-id': meeting.id },
        }),
      );
      // Lets the fake's socket drain between waves; the app still sees every wave while the previous is in flight.
      if (!rate && (i + 1) % WAVE === 0) await new Promise((r) => setImmediate(r));
    }
    const dispatchMs = Date.now() - started;
    // Never rejects; interactions without a callback after the wait count as lost.
    const ackWait = sleep(120_000, true).then(() => null);
    const acks = await Promise.all(handles.map((h) => Promise.race([h.callback, ackWait])));
    // The link edit follows the ack. Read the fake's call log incrementally (cheap) instead of per-handle
    // snapshots, until every interaction has its edit or the wait runs out.
    const byToken = new Map(handles.map((h) => [h.token, h]));
    const edits = new Map<string, { at: number; body: unknown }>();
    const deadline = Date.now() + EDIT_WAIT_MS;
    while (Date.now() < deadline && edits.size < level) {
      for (; seen < fake.calls.length; seen++) {
        const call = fake.calls[seen];
        if (call.method !== 'PATCH' || !call.path.endsWith('/messages/@original')) continue;
        const token = call.path.split('/')[3];
        if (byToken.has(token) && !edits.has(token)) edits.set(token, { at: call.at, body: call.body });
      }
      if (edits.size < level) await sleep(250);
    }
    if (level === 50) continue;

    const ack = summarize(acks.flatMap((a) => (a ? [a.elapsedMs] : [])));
    const withLink = [...edits.values()].filter((e) => JSON.stringify(e.body).includes('http')).length;
    const link = summarize([...edits].map(([token, e]) => e.at - byToken.get(token)!.dispatchedAt));
    const late = acks.filter((a) => !a || a.elapsedMs > ACK_DEADLINE_MS).length;
    if (ack.n < level) failed = true;
    const base = { members: level, arrival: rate ? `${rate}/s` : 'burst', 'dispatch ms': dispatchMs };
    const other = [...edits.values()].find((e) => !JSON.stringify(e.body).includes('http'));
    if (other)
      notes.push(
        `${level} members: an edit without a link said: ${JSON.stringify(other.body).slice(0, 160)}`,
      );
    rows.push({
      ...base,
      measure: 'dispatch → callback (defer)',
      n: ack.n,
      'p50 ms': ack.p50,
      'p95 ms': ack.p95,
      'p99 ms': ack.p99,
      'max ms': ack.max,
      'over 3 s': late,
    });
    rows.push({
      ...base,
      measure: 'dispatch → link edit',
      n: link.n,
      'p50 ms': link.p50,
      'p95 ms': link.p95,
      'p99 ms': link.p99,
      'max ms': link.max,
      'with link': withLink,
    });
  }
  notes.push(
    `One guild, one running meeting, fake Discord and fake Kaltura in the same process (loopback), in-memory storage.`,
    `Steady row: ${STEADY_MEMBERS} members arriving at ${STEADY_RATE}/s. Burst rows: dispatches in waves of ${WAVE} back to back (a setImmediate between waves), all in flight together; new members per level.`,
    `Discord's deadline for the callback: ${ACK_DEADLINE_MS} ms. Seed target: 1,000+ concurrent users per instance.`,
  );
  report('interactions', '/kaltura-join under a crowd (fake gateway)', rows, notes);
  await bench.close();
  if (failed) {
    console.error('Some interactions got no callback at all (see the table).');
    process.exitCode = 1;
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
