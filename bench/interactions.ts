/**
 * Slash-command latency under a crowd: N members of one guild send `/kaltura-join` for the same running meeting
 * through the fake Discord gateway. Measured per interaction: INTERACTION_CREATE dispatched → the service's
 * callback (Discord's 3 s deadline, which the fake enforces: a later first answer is refused with 10062), and → the
 * first response carrying the personal link (the callback itself when the service answers at once, else the edit
 * of the deferred reply).
 *
 * The service is the built `dist/main.js` in its own process (production mode, logs at info into
 * bench/results/interactions.service.log); the fake Discord, the fake Kaltura and this driver share the other.
 * A steady row first (members arriving at BENCH_STEADY_RATE per second), then the bursts: dispatches in waves of
 * BENCH_WAVE back to back without waiting for answers, so all N are in flight together. Every level uses new
 * members (no warm Kaltura-user cache). BENCH_CPU_PROF=1 writes a CPU profile of the service.
 *
 *   npm run bench:interactions
 *   BENCH_MEMBERS=1000,10000 BENCH_WAVE=1000 npm run bench:interactions
 */
import { PermissionFlagsBits } from 'discord.js';
import { FakeDiscord, fakeSnowflake, snowflakeForShard, type InteractionHandle } from '../test/fakes/discord';
import { FakeKaltura } from '../test/fakes/kaltura';
import { sleep } from './lib/bench-app';
import { BenchRow, report, summarize } from './lib/report';
import { startServiceProcess } from './lib/service-process';

const LEVELS = (process.env.BENCH_MEMBERS ?? '1000,10000').split(',').map(Number);
const WAVE = Number(process.env.BENCH_WAVE ?? 1_000);
const STEADY_MEMBERS = Number(process.env.BENCH_STEADY_MEMBERS ?? 1_000);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 40);
const ACK_DEADLINE_MS = 3_000;
/** How long to wait for the links of one level after the last callback. */
const LINK_WAIT_MS = Number(process.env.BENCH_LINK_WAIT_MS ?? 120_000);

const hasLink = (body: unknown) => JSON.stringify(body ?? null).includes('http');

async function run(): Promise<void> {
  const guildId = snowflakeForShard(0, 1);
  const [channelId, adminRole, admin] = [fakeSnowflake(), fakeSnowflake(), fakeSnowflake()];
  const fake = new FakeDiscord({
    heartbeatIntervalMs: 5_000,
    enforceAckDeadline: true,
    guilds: [
      {
        id: guildId,
        name: 'Bench guild',
        channels: [{ id: channelId, name: 'meetings' }],
        roles: [{ id: adminRole, name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
        members: [{ userId: admin, username: 'bench-admin', roles: [adminRole] }],
      },
    ],
  });
  await fake.start();
  const kaltura = new FakeKaltura();
  await kaltura.start();
  const service = await startServiceProcess({
    name: 'interactions',
    cpuProfile: process.env.BENCH_CPU_PROF === '1',
    env: {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_CLIENT_ID: fake.applicationId,
      KALTURA_PARTNER_ID: String(kaltura.partnerId),
      KALTURA_ADMIN_SECRET: kaltura.adminSecret,
      KALTURA_SERVICE_URL: kaltura.url,
      KALTURA_KAF_URL: 'https://4242.kaf.test',
    },
  });
  await fake.waitForCall((c) => c.status === 200 && c.route === 'PUT /applications/:app/commands', 20_000);

  const start = fake.sendSlashCommand({
    guildId,
    channelId,
    userId: admin,
    name: 'kaltura-start',
    options: { type: 'meeting', title: 'Town hall' },
  });
  const started = await start.waitFor(
    (r) => /ID `([^`]+)`/.test(JSON.stringify([r.callback?.data, r.edits])),
    10_000,
    'the meeting id',
  );
  const meetingId = /ID `([^`]+)`/.exec(JSON.stringify([started.callback?.data, started.edits]))![1];

  const rows: BenchRow[] = [];
  const notes: string[] = [];
  let user = 810_000_000_000_000_000n;
  let failed = false;
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
      fake.upsertMember(guildId, { userId, username: `member${i}` });
      return userId;
    });
    const handles: InteractionHandle[] = [];
    const cpuBefore = service.cpuMs();
    const kalturaBefore = kaltura.requests.length;
    const t0 = Date.now();
    for (let i = 0; i < members.length; i++) {
      if (rate) {
        const wait = t0 + (i * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
      }
      handles.push(
        fake.sendSlashCommand({
          guildId,
          channelId,
          userId: members[i],
          name: 'kaltura-join',
          options: { 'meeting-id': meetingId },
        }),
      );
      // Lets the fake's socket drain between waves; the service still sees every wave while the previous is in flight.
      if (!rate && (i + 1) % WAVE === 0) await new Promise((r) => setImmediate(r));
    }
    const dispatchMs = Date.now() - t0;
    // The fake refuses a first answer 3 s after the interaction's creation, as Discord does (10062): once the last
    // dispatch is that old, the set of acknowledged interactions is final.
    await sleep(ACK_DEADLINE_MS + 500);
    let answers = handles.map((h) => h.responses());
    const acked = handles.filter((_, i) => answers[i].callback !== null);
    const ids = new Set(handles.map((h) => h.id));
    const refused = new Set(
      fake
        .findCalls((c) => c.status === 404 && c.route === 'POST /interactions/:id/:token/callback')
        .map((c) => c.path.split('/')[2])
        .filter((id) => ids.has(id)),
    ).size;
    // The link: in the callback when the service answered at once, else in the edit of the deferred reply.
    const linkAt = new Map<InteractionHandle, number>();
    const deadline = Date.now() + LINK_WAIT_MS;
    for (;;) {
      for (const [i, r] of answers.entries()) {
        if (linkAt.has(handles[i]) || !r.callback) continue;
        if (hasLink(r.callback.data)) linkAt.set(handles[i], r.callback.elapsedMs);
        const edit = r.edits.find((e) => hasLink(e.body));
        if (edit) linkAt.set(handles[i], edit.elapsedMs);
      }
      const settled = answers.every((r) => !r.callback || hasLink(r.callback.data) || r.edits.length > 0);
      if (settled || Date.now() > deadline) break;
      await sleep(250);
      answers = handles.map((h) => h.responses());
    }
    const cpuMs = service.cpuMs() - cpuBefore;
    const kalturaRequests = kaltura.requests.length - kalturaBefore;
    if (level === 50) continue;

    const ack = summarize(answers.flatMap((r) => (r.callback ? [r.callback.elapsedMs] : [])));
    const link = summarize([...linkAt.values()]);
    const direct = answers.filter((r) => r.callback?.type === 4).length;
    const lost = acked.filter((h) => !linkAt.has(h));
    if (lost.length > 0) {
      failed = true;
      const one = lost[0].responses();
      notes.push(
        `${level} members: ${lost.length} acknowledged in time got no link; one said: ${JSON.stringify([one.callback?.data, one.edits.map((e) => e.body)]).slice(0, 200)}`,
      );
    }
    const base = {
      members: level,
      arrival: rate ? `${rate}/s` : 'burst',
      'dispatch ms': dispatchMs,
      'service CPU ms/join': Math.round((cpuMs / level) * 100) / 100,
      'Kaltura requests': kalturaRequests,
    };
    rows.push({
      ...base,
      measure: 'dispatch → callback',
      n: ack.n,
      'p50 ms': ack.p50,
      'p95 ms': ack.p95,
      'p99 ms': ack.p99,
      'max ms': ack.max,
      'answered at once': direct,
      'refused late (10062)': refused,
      'dropped as expired': level - acked.length - refused,
    });
    rows.push({
      ...base,
      measure: 'dispatch → link',
      n: link.n,
      'p50 ms': link.p50,
      'p95 ms': link.p95,
      'p99 ms': link.p99,
      'max ms': link.max,
    });
  }
  notes.push(
    `The service (dist/main.js, NODE_ENV=production, logs at ${process.env.BENCH_LOG_LEVEL ?? 'info'} into a file) in its own process; fake Discord, fake Kaltura and this driver in another. One guild, one running meeting, in-memory storage.`,
    `Steady row: ${STEADY_MEMBERS} members arriving at ${STEADY_RATE}/s. Burst rows: dispatches in waves of ${WAVE} back to back (a setImmediate between waves), all in flight together; new members per level.`,
    `The fake refuses a first answer more than 3 s after the interaction's creation with 10062, as Discord does: "refused late" counts those; "dropped as expired" counts interactions the service dropped unanswered because they were already too old to acknowledge (the member sees "The application did not respond" either way). Links are awaited for acknowledged interactions only. "answered at once": callbacks that carried the link (type 4) instead of a deferral (type 5). "service CPU ms/join": the service process's user+system CPU over the level, divided by the joins. "Kaltura requests": HTTP requests the fake Kaltura received during the row (new members' user.add calls, batched into multirequests of up to 25).`,
    `Discord's deadline for the callback: ${ACK_DEADLINE_MS} ms. Seed target: 1,000+ concurrent users per instance. Peak RSS of the service: ${service.peakRssMiB()} MiB.`,
  );
  report(
    'interactions',
    '/kaltura-join under a crowd (fake gateway, service in its own process)',
    rows,
    notes,
  );
  const code = await service.stop();
  await fake.stop();
  await kaltura.stop();
  if (code !== 0) console.error(`The service exited with ${code}; see ${service.logFile}`);
  if (failed) {
    console.error('Some interactions got no callback at all (see the table).');
    process.exitCode = 1;
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
