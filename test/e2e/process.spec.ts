import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { NEST_STARTUP_CONTEXTS } from '../../src/platform/logging';
import { BUILT_MAIN, freePort } from '../support/process';

/** Runs the built service as `npm start` would, with only the given environment. */
function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, [BUILT_MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe('the built service (dist/main.js)', () => {
  beforeAll(() => {
    if (!existsSync(BUILT_MAIN))
      throw new Error('dist/main.js is missing: `npm test` builds it first (pretest)');
  });

  it('starts with no environment at all, logs its embedded defaults, serves health, and stops on SIGTERM', async () => {
    const port = await freePort();
    const { child, output } = start({ PORT: String(port) });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, 10_000);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
      const text = output();
      expect(text).toContain('Embedded default: storage: in-memory');
      expect(text).toContain('Discord gateway: off');
      expect(text).toContain('Kaltura: sandbox');
      const records = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const r of records) expect(r.service).toBe('kaltura-discord');
      // Start-up at info is the summary and the embedded defaults, not Nest's module and route lines.
      expect(records.filter((r) => NEST_STARTUP_CONTEXTS.has(String(r.module)))).toEqual([]);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(output()).toMatch(/"msg":"Stopped cleanly in \d+ ms"/);
  });

  it("logs Nest's module and route lines at debug when asked", async () => {
    const port = await freePort();
    const { child, output } = start({ PORT: String(port), LOG_LEVEL: 'debug' });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, 10_000);
      const nest = output()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((r) => NEST_STARTUP_CONTEXTS.has(String(r.module)));
      expect(nest.map((r) => r.module)).toEqual(
        expect.arrayContaining(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']),
      );
      expect(new Set(nest.map((r) => r.level))).toEqual(new Set(['debug']));
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it.each([
    [{ PORT: 'not-a-port' }, 'PORT', 'not-a-port'],
    [
      { NODE_ENV: 'production', STORAGE: 'memory', JWT_SECRET: 'hunter2-is-too-short' },
      'JWT_SECRET',
      'hunter2',
    ],
    // Production never falls into the simulated Kaltura (and its public secret) by accident.
    [{ NODE_ENV: 'production', STORAGE: 'memory', JWT_SECRET: 'j'.repeat(40) }, 'KALTURA_MODE', 'jjjjjjjj'],
    [
      { NODE_ENV: 'production', STORAGE: 'memory', JWT_SECRET: 'j'.repeat(40), KALTURA_MODE: 'live' },
      'KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET',
      'jjjjjjjj',
    ],
    [
      { KALTURA_PARTNER_ID: '42', KALTURA_ADMIN_SECRET_FILE: '/nonexistent/secret' },
      'KALTURA_ADMIN_SECRET_FILE',
      '/nonexistent',
    ],
  ])('exits at once on bad env %j, naming %s but never the value', async (env, variable, value) => {
    const { child, output } = start(env as Record<string, string>);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(output()).toContain(variable);
    expect(output()).not.toContain(value);
    const [line] = output().trim().split('\n');
    expect(JSON.parse(line)).toMatchObject({ level: 'fatal', service: 'kaltura-discord' });
  });
});
