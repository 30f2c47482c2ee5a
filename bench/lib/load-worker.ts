/**
 * Runs one load in its own process (so the load generator does not share the service's event loop) and sends back
 * throughput, exact latency percentiles and status counts. Started by `runLoad` below. A closed loop (as fast as
 * answered) is autocannon's; an open loop (`rate`) is `openLoop` below.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Client } from 'undici';
import { summarize } from './report';

export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  /** Bearer tokens handed out round-robin, one per request (empty: no Authorization header). */
  tokensFile?: string;
  /**
   * Open loop: requests per second across all connections, each connection a client sending at random (Poisson)
   * moments; unset: closed loop, as fast as answered.
   */
  rate?: number;
  /**
   * Closed loop with every connection opened (and accepted) before the clock starts, instead of autocannon's,
   * whose connections open as the load starts and, on a saturated service, partly wait in the accept queue.
   */
  preconnected?: boolean;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  status2xx: number;
  status429: number;
  otherStatus: number;
  errors: number;
  timeouts: number;
}

/** Forks this file with `spec` and resolves with its result. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [JSON.stringify(spec)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (msg) => resolve(msg as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}

/**
 * `spec.connections` clients, each with one keep-alive connection (opened before the clock starts), each sending
 * its requests at exponentially distributed intervals: together a Poisson stream at `spec.rate`, as independent
 * users are. autocannon's `overallRate` releases every connection's share at the same instant each second, a
 * synchronised burst that measures its own queue. A request waits while its connection is busy; its latency runs
 * from the moment it was due, so a slow answer is not hidden by the requests it delayed.
 */
async function openLoop(spec: LoadSpec & { rate: number }, tokens: string[]): Promise<LoadResult> {
  const { clients, path } = await connect(spec);
  const meanGapMs = (1_000 * spec.connections) / spec.rate;
  const gap = () => -Math.log(1 - Math.random()) * meanGapMs;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let timeouts = 0;
  let next = 0;
  const start = performance.now();
  const end = start + spec.seconds * 1_000;
  await Promise.all(
    clients.map(async (client) => {
      const pending: Array<Promise<void>> = [];
      for (let due = start + gap(); due < end; due += gap()) {
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const headers = tokens.length ? { authorization: `Bearer ${tokens[next++ % tokens.length]}` } : {};
        pending.push(
          client.request({ method: 'GET', path, headers }).then(
            async (res) => {
              await res.body.dump();
              latencies.push(performance.now() - due);
              statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            },
            (err: { code?: string }) => {
              if (err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') timeouts++;
              else errors++;
            },
          ),
        );
      }
      await Promise.all(pending);
    }),
  );
  await Promise.all(clients.map((client) => client.close()));
  return result(latencies, statuses, spec.seconds, errors, timeouts);
}

/** `spec.connections` keep-alive clients, each connected and answered once (`/health/live`) before returning. */
async function connect(spec: LoadSpec): Promise<{ clients: Client[]; path: string }> {
  const url = new URL(spec.url);
  const clients = Array.from(
    { length: spec.connections },
    () => new Client(url.origin, { pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 }),
  );
  await Promise.all(
    clients.map((client) =>
      client.request({ method: 'GET', path: '/health/live' }).then((r) => r.body.dump()),
    ),
  );
  return { clients, path: `${url.pathname}${url.search}` };
}

/** Every connection sends its next request as soon as the last is answered, all of them connected beforehand. */
async function closedLoop(spec: LoadSpec, tokens: string[]): Promise<LoadResult> {
  const { clients, path } = await connect(spec);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let timeouts = 0;
  let next = 0;
  const end = performance.now() + spec.seconds * 1_000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        const headers = tokens.length ? { authorization: `Bearer ${tokens[next++ % tokens.length]}` } : {};
        const sent = performance.now();
        try {
          const res = await client.request({ method: 'GET', path, headers });
          await res.body.dump();
          const now = performance.now();
          // Answers after the clock stopped are not counted, as autocannon does not count them.
          if (now > end) break;
          latencies.push(now - sent);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') timeouts++;
          else errors++;
        }
      }
    }),
  );
  await Promise.all(clients.map((client) => client.close()));
  return result(latencies, statuses, spec.seconds, errors, timeouts);
}

function result(
  latencies: number[],
  statuses: Map<number, number>,
  seconds: number,
  errors: number,
  timeouts: number,
): LoadResult {
  const s = summarize(latencies);
  const count = (pred: (status: number) => boolean) =>
    [...statuses].filter(([k]) => pred(k)).reduce((sum, [, v]) => sum + v, 0);
  return {
    requests: s.n,
    rps: Math.round(s.n / seconds),
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    max: s.max,
    status2xx: count((k) => k >= 200 && k < 300),
    status429: count((k) => k === 429),
    otherStatus: count((k) => (k < 200 || k >= 300) && k !== 429),
    errors,
    timeouts,
  };
}

async function main(spec: LoadSpec): Promise<void> {
  const tokens: string[] = spec.tokensFile
    ? (JSON.parse(readFileSync(spec.tokensFile, 'utf8')) as string[])
    : [];
  if (spec.rate || spec.preconnected) {
    const out = spec.rate
      ? await openLoop({ ...spec, rate: spec.rate }, tokens)
      : await closedLoop(spec, tokens);
    process.send?.(out, () => process.exit(0));
    return;
  }
  let next = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          if (tokens.length === 0) return req;
          const token = tokens[next++ % tokens.length];
          return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode: number, _bytes, responseTime: number) => {
    latencies.push(responseTime);
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
  });
  const done = await instance;
  // autocannon counts a timeout in `errors` too.
  const out = result(latencies, statuses, spec.seconds, done.errors - done.timeouts, done.timeouts);
  process.send?.(out, () => process.exit(0));
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as LoadSpec).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
