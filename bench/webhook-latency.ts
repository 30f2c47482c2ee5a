/**
 * Webhook received → Discord message posted: signed Kaltura "recording ready" webhooks are sent at a steady
 * rate to the whole service (HTTP on loopback), which stores each event, maps it to its meeting, renders the
 * guild template and posts to a local fake Discord. Latency runs from the moment the webhook is sent to the
 * moment the fake accepts the message. The seed target is 500 ms.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/webhook-latency.js
 *   BENCH_RATE=50 BENCH_SECONDS=20 node dist-bench/bench/webhook-latency.js
 *   REDIS_URL=redis://127.0.0.1:6379/9 node dist-bench/bench/webhook-latency.js   # BullMQ (DB 9 is FLUSHED first)
 */
import { Logger } from '@nestjs/common';
import { postedAt, sendRecordingReady, startNotificationBench } from './lib/notification-fixture';
import { BenchRow, report, summarize } from './lib/report';

const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const REDIS_URL = process.env.REDIS_URL;
const TARGET_MS = 500;

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  if (REDIS_URL) {
    // The queue is shared by every process on this Redis DB: a worker left by another run (with its own
    // in-memory store) would take jobs it cannot deliver. Give the bench a DB of its own, emptied first.
    const { default: Redis } = await import('ioredis');
    const admin = new Redis(REDIS_URL);
    await admin.flushdb();
    await admin.quit();
  }
  const bench = await startNotificationBench(REDIS_URL);
  const total = Math.max(1, Math.round(RATE * SECONDS));
  const interval = 1000 / RATE;
  const sentAt = new Map<string, number>();
  const answers: number[] = [];
  const failures: number[] = [];
  const inflight: Array<Promise<void>> = [];
  const jobBase = Date.now();
  const start = performance.now();

  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const entryId = `0_bench${i}`;
    const t0 = performance.now();
    sentAt.set(entryId, Date.now());
    inflight.push(
      sendRecordingReady(bench, jobBase + i, entryId).then((status) => {
        answers.push(performance.now() - t0);
        if (status !== 200) failures.push(status);
      }),
    );
  }
  await Promise.all(inflight);
  await bench.fake
    .waitFor(() => postedAt(bench).size >= total, 60_000, 'every message')
    .catch(() => undefined);

  const posted = postedAt(bench);
  const latencies = [...sentAt].flatMap(([entry, at]) =>
    posted.has(entry) ? [posted.get(entry)! - at] : [],
  );
  const delivery = summarize(latencies);
  const http = summarize(answers);
  const rows: BenchRow[] = [
    {
      measure: 'webhook → Discord message posted (ms)',
      rate: `${RATE}/s`,
      n: delivery.n,
      p50: delivery.p50,
      p95: delivery.p95,
      p99: delivery.p99,
      max: delivery.max,
    },
    {
      measure: 'webhook → HTTP 200 (ms)',
      rate: `${RATE}/s`,
      n: http.n,
      p50: http.p50,
      p95: http.p95,
      p99: http.p99,
      max: http.max,
    },
  ];
  report(
    'webhook-latency',
    `Webhook → Discord latency (${REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'})`,
    rows,
    [
      `${total} signed "recording ready" webhooks over ${SECONDS} s against the local fake Discord; storage in memory.`,
      `Delivered ${posted.size}/${total}; non-200 answers: ${failures.length}.`,
      `Seed target: ${TARGET_MS} ms → p99 ${delivery.p99 <= TARGET_MS ? 'meets' : 'misses'} it.`,
    ],
  );
  await bench.close();
  if (posted.size < total || failures.length > 0) process.exitCode = 1;
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
