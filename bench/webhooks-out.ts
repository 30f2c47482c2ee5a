/**
 * Outgoing webhooks, sustained: events are published on the bus at a steady rate to a guild with one endpoint; the
 * service signs each and POSTs it to a local receiver in another process (so the receiver's work is not measured
 * against the service's event loop). Reports deliveries/s actually sustained and publish → receipt latency. The
 * issue's target: 1,000 deliveries/s.
 *
 *   npm run bench:webhooks-out
 *   BENCH_RATE=1000 BENCH_SECONDS=10 node dist-bench/bench/webhooks-out.js
 *   REDIS_URL=redis://127.0.0.1:6379/12 node dist-bench/bench/webhooks-out.js   # BullMQ (the DB is FLUSHED first)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { WebhookEndpointsService } from '../src/modules/webhooks-out';
import { EventBus } from '../src/platform/events';
import { startBenchApp } from './lib/bench-app';
import { report, summarize } from './lib/report';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REDIS_URL = process.env.REDIS_URL;
const TARGET_PER_S = 1000;

/** The receiver: answers 204 at once, remembers each webhook-id and when it arrived; reports over IPC. */
const RECEIVER = `
const http = require('node:http');
const seen = new Map();
let requests = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    const id = req.headers['webhook-id'];
    if (!seen.has(id)) seen.set(id, Date.now());
    res.statusCode = 204;
    res.end();
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => process.send({ requests, seen: [...seen] }));
`;

function startReceiver(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) =>
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port })),
  );
}

function receiverReport(child: ChildProcess): Promise<{ requests: number; seen: Array<[string, number]> }> {
  return new Promise((resolve) => {
    child.once('message', (m: { requests: number; seen: Array<[string, number]> }) => resolve(m));
    child.send('report');
  });
}

async function run(): Promise<void> {
  Logger.overrideLogger(false);
  if (REDIS_URL) {
    const { default: Redis } = await import('ioredis');
    const admin = new Redis(REDIS_URL);
    await admin.flushdb();
    await admin.quit();
  }
  const receiver = await startReceiver();
  const bench = await startBenchApp({
    env: { OUTGOING_WEBHOOKS_ALLOW_PRIVATE: 'on', LOG_LEVEL: 'warn', ...(REDIS_URL ? { REDIS_URL } : {}) },
  });
  await bench.app
    .get(WebhookEndpointsService)
    .create(bench.guildId, { url: `http://127.0.0.1:${receiver.port}/hook`, eventTypes: ['*'] }, 'bench');
  const bus = bench.app.get(EventBus);
  const total = Math.max(1, Math.round(RATE * SECONDS));
  const publishedAt = new Map<string, number>();
  const tickMs = 10;
  const perTick = RATE / (1000 / tickMs);
  const start = performance.now();
  const wallStart = Date.now();
  let sent = 0;
  for (let tick = 0; sent < total; tick++) {
    const due = start + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const batch = Math.min(total - sent, Math.round((tick + 1) * perTick) - sent);
    await Promise.all(
      Array.from({ length: batch }, async (_, i) => {
        const event = await bus.publish({
          type: 'meeting.started',
          version: 1,
          guildId: bench.guildId,
          audience: 'viewer',
          data: { meetingId: `m-${sent + i}`, title: 'Bench', type: 'meeting', channelId: null },
        });
        publishedAt.set(event.id, Date.now());
      }),
    );
    sent += batch;
  }
  const publishSeconds = (Date.now() - wallStart) / 1000;
  // Wait for the queue to drain (or 60 s).
  let last = { requests: 0, seen: [] as Array<[string, number]> };
  for (let i = 0; i < 600; i++) {
    last = await receiverReport(receiver.child);
    if (last.seen.length >= total) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const arrivals = last.seen.map(([, at]) => at).sort((a, b) => a - b);
  const latencies = last.seen.flatMap(([id, at]) => {
    const p = publishedAt.get(id);
    return p === undefined ? [] : [at - p];
  });
  const deliverSeconds = arrivals.length ? (arrivals[arrivals.length - 1] - wallStart) / 1000 : 0;
  const sustained = arrivals.length / Math.max(deliverSeconds, publishSeconds);
  const s = summarize(latencies);
  report(
    REDIS_URL ? 'webhooks-out-bullmq' : 'webhooks-out',
    `Outgoing webhooks: ${RATE}/s for ${SECONDS} s, ${REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'}`,
    [
      {
        measure: 'published → received (ms)',
        rate: `${RATE}/s`,
        n: latencies.length,
        p50: s.p50,
        p95: s.p95,
        p99: s.p99,
        max: s.max,
      },
    ],
    [
      `published ${total} events in ${publishSeconds.toFixed(2)} s (${(total / publishSeconds).toFixed(0)}/s offered)`,
      `delivered ${last.seen.length}/${total} distinct events (${last.requests} requests) in ${deliverSeconds.toFixed(2)} s`,
      `sustained ${sustained.toFixed(0)} deliveries/s (target ${TARGET_PER_S}/s: ${sustained >= TARGET_PER_S * 0.98 ? 'met' : 'MISSED'})`,
    ],
  );
  await bench.close();
  receiver.child.kill();
  if (last.seen.length < total) process.exitCode = 1;
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
