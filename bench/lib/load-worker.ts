/**
 * Runs one autocannon load in its own process (so the load generator does not share the service's event loop)
 * and sends back throughput, exact latency percentiles and status counts. Started by `runLoad` below.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { summarize } from './report';

export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  /** Bearer tokens handed out round-robin, one per request (empty: no Authorization header). */
  tokensFile?: string;
  /** Requests per second across all connections (autocannon `overallRate`); unset: as fast as answered. */
  rate?: number;
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

async function main(spec: LoadSpec): Promise<void> {
  const tokens: string[] = spec.tokensFile
    ? (JSON.parse(readFileSync(spec.tokensFile, 'utf8')) as string[])
    : [];
  let next = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    ...(spec.rate ? { overallRate: spec.rate } : {}),
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
  const result = await instance;
  const s = summarize(latencies);
  const count = (pred: (status: number) => boolean) =>
    [...statuses].filter(([k]) => pred(k)).reduce((sum, [, v]) => sum + v, 0);
  const out: LoadResult = {
    requests: s.n,
    rps: Math.round(s.n / spec.seconds),
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    max: s.max,
    status2xx: count((k) => k >= 200 && k < 300),
    status429: count((k) => k === 429),
    otherStatus: count((k) => (k < 200 || k >= 300) && k !== 429),
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.send?.(out, () => process.exit(0));
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as LoadSpec).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
