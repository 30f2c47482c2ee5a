import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_MAIN, freePort } from '../../support/process';

/** One line of the service's JSON log. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number | string };

/** The built service (`dist/main.js`) running in a child process, as production runs it. */
export interface ServiceHandle {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  env: Record<string, string>;
  /** The configuration directory it reads (`CONFIG_DIR`): overrides live in `overrides/<guildId>.json`. */
  configDir: string;
  /** Parsed JSON log lines so far. */
  logs(): LogLine[];
  /** Raw output so far (stdout + stderr). */
  output(): string;
  /** False once the process exited. */
  alive(): boolean;
  /** Resolves with the first log line (already written or future) matching `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  stop(): Promise<number | null>;
}

/** A configuration directory holding the shipped defaults and an empty `overrides/`. */
export function freshConfigDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kd-security-'));
  writeFileSync(join(dir, 'default_config.json'), readFileSync(join('config', 'default_config.json')));
  mkdirSync(join(dir, 'overrides'));
  return dir;
}

/** A JWT secret as production requires (≥ 32 characters, not a known default). */
export const strongSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Starts `dist/main.js` with exactly `env` (plus PATH, PORT and CONFIG_DIR) and resolves once `/health/live`
 * answers. Throws with the process output when it exits or does not answer in time.
 */
export async function startService(env: Record<string, string>, timeoutMs = 20_000): Promise<ServiceHandle> {
  if (!existsSync(BUILT_MAIN)) throw new Error('dist/main.js is missing: run `npx nest build` first');
  const port = await freePort();
  const configDir = env.CONFIG_DIR ?? freshConfigDir();
  const fullEnv = { PATH: process.env.PATH ?? '', PORT: String(port), CONFIG_DIR: configDir, ...env };
  const child: ChildProcess = spawn(process.execPath, [BUILT_MAIN], {
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let pending = '';
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as LogLine);
      } catch {
        lines.push({ msg: part });
      }
    }
    notify();
  });
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      notify();
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;

  const handle: ServiceHandle = {
    url,
    env: fullEnv,
    configDir,
    logs: () => lines,
    output: () => out,
    alive: () => exitCode === undefined,
    waitForLog(predicate, ms = 10_000, what = 'a matching log line') {
      return new Promise<LogLine>((resolve, reject) => {
        const check = () => {
          const found = lines.find(predicate);
          if (found) return done(() => resolve(found));
          if (exitCode !== undefined)
            return done(() => reject(new Error(`service exited waiting for ${what}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for ${what}`))), ms);
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };

  // Listening: wait for the start-up log line that says so, or the process dying.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`service exited (${exitCode}) at start-up:\n${out.slice(-4000)}`);
    const live = await fetch(`${url}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) return handle;
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`service did not answer /health/live in ${timeoutMs} ms:\n${out.slice(-4000)}`);
    }
    // Polling a socket that is not listening yet: there is no event to wait on from outside the process.
    await new Promise((r) => setTimeout(r, 100));
  }
}
