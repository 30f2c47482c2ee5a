/**
 * Memory: RSS and V8 heap of the whole service (one process, fake Discord in it) at rest, with 10,000 stored
 * meetings (in-memory repository, sandbox Kaltura), and while 1,000 members send `/kaltura-join` at once.
 * Run with `--expose-gc` (the npm script does) so the at-rest figures are taken after a full GC.
 *
 *   npm run bench:memory
 *   BENCH_MEETINGS=10000 BENCH_MEMBERS=1000 npm run bench:memory
 */
import { Logger } from '@nestjs/common';
import { MeetingsService } from '../src/modules/meetings';
import type { InteractionHandle } from '../test/fakes/discord';
import { memoryMiB, sleep, startBenchApp } from './lib/bench-app';
import { BenchRow, report } from './lib/report';

const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 10_000);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000);
const GUILDS = 50;

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  const rows: BenchRow[] = [];
  const snap = (stage: string, extra: BenchRow = {}) => rows.push({ stage, ...memoryMiB(), ...extra });
  snap('process start (modules loaded, nothing started)');
  const bench = await startBenchApp({ discord: true });
  const fake = bench.discord!;
  const meetings = bench.app.get(MeetingsService);
  snap('service booted, logged in to the fake gateway');

  // Meetings spread over guilds (the bench guild among them); no channel, so no Discord message each.
  let target = '';
  for (let i = 0; i < MEETINGS; i++) {
    const guildId = i % GUILDS === 0 ? bench.guildId : String(750_000_000_000_000_000n + BigInt(i % GUILDS));
    const m = await meetings.create({
      guildId,
      channelId: null,
      host: {
        userId: String(760_000_000_000_000_000n + BigInt(i)),
        displayName: `Host ${i}`,
        role: 'moderator',
      },
      title: `Stored meeting ${i} with a realistic title`,
      description: 'Weekly sync: agenda in the channel, recordings in the library.',
      type: 'meeting',
    });
    if (guildId === bench.guildId) target = m.id;
  }
  await sleep(500);
  snap(`${MEETINGS} meetings stored`);

  const members = Array.from({ length: MEMBERS }, (_, i) => {
    const userId = String(770_000_000_000_000_000n + BigInt(i));
    fake.upsertMember(bench.guildId, { userId, username: `member${i}` });
    return userId;
  });
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const handles: InteractionHandle[] = members.map((userId) =>
    fake.sendSlashCommand({
      guildId: bench.guildId,
      channelId: bench.channelId,
      userId,
      name: 'kaltura-join',
      options: { 'meeting-id': target },
    }),
  );
  const ackWait = sleep(120_000, true).then(() => null);
  const acks = await Promise.all(handles.map((h) => Promise.race([h.callback, ackWait])));
  // A join carries its link in the callback (type 4) when ready at once, else in an edit of the deferred reply.
  const tokens = new Set(handles.filter((_, i) => acks[i]?.type !== 4).map((h) => h.token));
  const atOnce = acks.filter((a) => a?.type === 4).length;
  const edited = new Set<string>();
  const deadline = Date.now() + 60_000;
  let seen = 0;
  while (Date.now() < deadline && edited.size < tokens.size) {
    for (; seen < fake.calls.length; seen++) {
      const call = fake.calls[seen];
      const token = call.path.split('/')[3];
      if (call.method === 'PATCH' && tokens.has(token)) edited.add(token);
    }
    await sleep(250);
  }
  clearInterval(sampler);
  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  rows.push({
    stage: `peak while ${MEMBERS} members join at once (sampled every 20 ms)`,
    rssMiB: mib(peakRss),
    heapUsedMiB: mib(peakHeap),
    heapTotalMiB: '',
    gc: 'no gc',
  });
  snap(`after the ${MEMBERS} joins`, {});
  const answered = acks.filter(Boolean).length;
  report('memory', `Memory with ${MEETINGS} meetings and ${MEMBERS} concurrent joins`, rows, [
    `One process: the service, its in-memory repositories and the fake Discord (which keeps every call and interaction it saw).`,
    `Joins: ${answered}/${MEMBERS} answered; links: ${atOnce} in the callback, ${edited.size} of ${tokens.size} deferred ones in an edit.`,
    `Node ${process.version}; V8 default heap limit; figures in MiB.`,
  ]);
  await bench.close();
  if (answered < MEMBERS || atOnce + edited.size < MEMBERS) process.exitCode = 1;
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
