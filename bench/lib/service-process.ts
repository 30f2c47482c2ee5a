import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/process';
import { sleep } from './bench-app';

/** `npm run build`'s output, from the repository root (the bench runs from there). */
const BUILT_MAIN = join(process.cwd(), 'dist', 'main.js');

/** The built service (`dist/main.js`, as `npm start` runs it) in its own process: nothing else on its loop. */
export interface ServiceProcess {
  url: string;
  pid: number;
  /** Where the service's JSON log goes (bench/results/<name>.service.log). */
  logFile: string;
  /** CPU time (user + system) the child has used so far, in ms, from /proc (Linux). */
  cpuMs(): number;
  /** Peak resident set size so far, in MiB (VmHWM). */
  peakRssMiB(): number;
  /** SIGTERM and wait for the exit code (the service drains first). */
  stop(): Promise<number | null>;
}

export interface ServiceProcessOptions {
  name: string;
  env: Record<string, string>;
  /** `--cpu-prof` into bench/results/prof (BENCH_CPU_PROF=1 sets it). */
  cpuProfile?: boolean;
}

/**
 * Starts `dist/main.js` in production mode with in-memory storage, a copy of the shipped config and the given
 * env (the fakes' URLs), logging at `BENCH_LOG_LEVEL` (default info) into a file, and waits until
 * `/health/ready` answers 200.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const configDir = mkdtempSync(join(tmpdir(), 'kd-bench-'));
  mkdirSync(join(configDir, 'overrides'));
  copyFileSync(join(process.cwd(), 'config', 'default_config.json'), join(configDir, 'default_config.json'));
  const results = join(process.cwd(), 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const logFile = join(results, `${options.name}.service.log`);
  const log = openSync(logFile, 'w');
  const args = options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(results, 'prof')}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...args, BUILT_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      STORAGE: 'memory',
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      CONFIG_DIR: configDir,
      PORT: String(port),
      ...options.env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}; see ${logFile}`);
    const ready = await fetch(`${url}/health/ready`)
      .then((res) => res.status === 200)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service was not ready within 30 s; see ${logFile}`);
    }
    await sleep(200);
  }
  const proc = (file: string) => {
    try {
      return readFileSync(`/proc/${child.pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    url,
    pid: child.pid!,
    logFile,
    cpuMs: () => {
      // Fields 14 and 15 of /proc/<pid>/stat: utime and stime in clock ticks (100 per second on Linux).
      const fields = proc('stat').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    peakRssMiB: () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(proc('status'))?.[1] ?? NaN) / 1024),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(configDir, { recursive: true, force: true });
      return code;
    },
  };
}
