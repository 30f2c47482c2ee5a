import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { redisAvailable } from '../support/redis';

/**
 * A private redis-server for tests that kill and restart Redis: the shared one on 6379 serves every other suite
 * and must never be stopped. No persistence (`--save ''`, no AOF), so a restart comes back empty, as a Redis
 * without disks does after a crash.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  /** True when `redis-server` can be run; under CI=true its absence is a failure, never a skip. */
  static available(): boolean {
    const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
    if (!found && process.env.CI === 'true')
      throw new Error('redis-server is required under CI=true (not on PATH)');
    if (!found)
      console.warn('SKIPPED: redis-server is not on PATH; install redis to run the Redis fault tests');
    return found;
  }

  /** Starts a server on a free loopback port. */
  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on the same port and waits until it answers PING. */
  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 5_000;
    while (!(await redisAvailable(this.url))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not come up on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills the server at once (SIGKILL: no shutdown, no goodbye to clients) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
