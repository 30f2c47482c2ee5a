import { spawnSync } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when something answers PING at the test Redis. */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/**
 * For suites that need a real Redis. Under `CI=true` a missing Redis is a failure, never a skip; locally the
 * suite is skipped with a message saying how to start one.
 */
export async function requireRedis(url = TEST_REDIS_URL): Promise<boolean> {
  if (await redisAvailable(url)) return true;
  if (process.env.CI === 'true')
    throw new Error(`Redis is required under CI=true but does not answer at ${url}`);
  console.warn(
    `SKIPPED: Redis does not answer at ${url}. Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
  );
  return false;
}

/** A database index per suite keeps parallel jest workers from seeing each other's keys. */
export function redisUrlForDb(db: number, url = TEST_REDIS_URL): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * `requireRedis`, then empties the suite's own database (`redisUrlForDb(db)`) so that a previous run's jobs and
 * keys cannot leak in. False when Redis is absent outside CI (the suite skips).
 */
export async function requireEmptyRedisDb(db: number, url = TEST_REDIS_URL): Promise<boolean> {
  if (!(await requireRedis(url))) return false;
  const redis = new Redis(redisUrlForDb(db, url));
  try {
    await redis.flushdb();
  } finally {
    await redis.quit();
  }
  return true;
}

const PING = `
const { hostname, port } = new URL(process.argv[1]);
const s = require('node:net').connect({ host: hostname, port: Number(port || 6379) });
s.setTimeout(1000, () => process.exit(1));
s.on('error', () => process.exit(1));
s.on('connect', () => s.write('PING\\r\\n'));
s.on('data', (d) => process.exit(d.toString().startsWith('+PONG') ? 0 : 1));
`;

/**
 * `requireRedis` decided while the spec file loads, so a suite can be declared with `describe` or `describe.skip`
 * and a missing Redis shows as skipped, not as passed (jest cannot skip from an async hook). Under `CI=true` a
 * missing Redis fails the suite.
 */
export function redisForSuite(url = TEST_REDIS_URL): boolean {
  const probe = spawnSync(process.execPath, ['-e', PING, url], { timeout: 3_000 });
  if (probe.status === 0) return true;
  if (process.env.CI === 'true')
    throw new Error(`Redis is required under CI=true but does not answer at ${url}`);
  console.warn(
    `SKIPPED: Redis does not answer at ${url}. Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
  );
  return false;
}

/** `describe` when Redis answers, `describe.skip` (reported as skipped) when it does not. */
export function describeWithRedis(name: string, fn: () => void): void {
  (redisForSuite() ? describe : describe.skip)(name, fn);
}
