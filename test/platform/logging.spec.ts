import { Writable } from 'node:stream';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import request from 'supertest';
import { AppLogger, logFormat, prettyStream } from '../../src/platform/logging';
import { TestApp, bootTestApp } from '../support/app';
import { ProbeModule } from './probe.controller';

const SECRETS = {
  KALTURA_PARTNER_ID: '4242',
  KALTURA_ADMIN_SECRET: 'kaltura-admin-secret-4242',
  DISCORD_CLIENT_SECRET: 'discord-client-secret-777',
  JWT_SECRET: 'jwt-secret-which-is-long-enough-0123456789',
};

describe('structured logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp(SECRETS, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('writes JSON lines with stable fields and the request id', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/probe/log?text=hello');
    expect(res.status).toBe(200);
    const line = t.logs.records().find((r) => r.msg === 'probe says hello');
    expect(line).toMatchObject({ level: 'info', module: 'probe', requestId: res.headers['x-request-id'] });
    expect(typeof line?.time).toBe('string');
    const completed = t.logs
      .records()
      .find((r) => r.msg === 'request completed' && r.requestId === line?.requestId);
    expect(completed).toMatchObject({ res: { statusCode: 200 }, req: { method: 'GET' } });
  });

  it('puts service on every line', () => {
    const records = t.logs.records();
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(r.service).toBe('kaltura-discord');
  });

  it('writes an access line for a body the JSON parser refuses, with the request id', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/probe')
      .set('Content-Type', 'application/json')
      .send('{"name": "broken"');
    expect(res.status).toBe(400);
    const requestId = res.headers['x-request-id'] as string;
    expect(requestId).toBeTruthy();
    const line = t.logs.records().find((r) => r.msg === 'request completed' && r.requestId === requestId);
    expect(line).toMatchObject({
      level: 'warn',
      req: { method: 'POST', url: '/api/v1/probe' },
      res: { statusCode: 400 },
    });
  });

  it('logs health probes only when they fail', async () => {
    const server = t.app.getHttpServer();
    const ok = await request(server).get('/health/live');
    expect(ok.status).toBe(200);
    const bad = await request(server).get('/health/nope');
    expect(bad.status).toBe(404);
    const forId = (id: unknown) => t.logs.records().filter((r) => r.requestId === id);
    expect(forId(ok.headers['x-request-id'])).toEqual([]);
    expect(forId(bad.headers['x-request-id'])).toEqual([
      expect.objectContaining({ msg: 'request completed', level: 'warn', res: { statusCode: 404 } }),
    ]);
  });

  it('never writes a secret, whatever route it takes into a log line', async () => {
    const ks = 'djJ8NDI0Mnx' + 'A'.repeat(60);
    await request(t.app.getHttpServer())
      .get(`/api/v1/probe/log?ks=${ks}&text=${encodeURIComponent(SECRETS.KALTURA_ADMIN_SECRET)}`)
      .set('Authorization', `Bearer ${SECRETS.JWT_SECRET}`)
      .set('Cookie', 'session=cookie-value-123');
    await request(t.app.getHttpServer()).get(`/nope?ks=${ks}`);
    await request(t.app.getHttpServer()).get('/api/v1/probe/crash');
    const text = t.logs.text;
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [
      ...Object.values(SECRETS).slice(1),
      ks,
      'cookie-value-123',
      'nested-secret-field',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
  });
});

describe("Nest's start-up lines", () => {
  // The testing module does not route Nest's own start-up lines to the app logger; test/e2e/process.spec.ts
  // checks them on the built service. Here: the logger's rule itself, on a debug-level app.
  it('are logged at debug, everything else as before', async () => {
    // nestjs-pino keeps the first app's logger for calls outside a request: start from this app's.
    __resetOutOfContextForTests();
    const t = await bootTestApp({ LOG_LEVEL: 'debug' });
    try {
      const logger = t.app.get(AppLogger);
      logger.log('Mapped {/x, GET} route', 'RouterExplorer');
      logger.log('AppModule dependencies initialized', 'InstanceLoader');
      logger.log('Listening', 'bootstrap');
      const level = (msg: string) => t.logs.records().find((r) => r.msg === msg)?.level;
      expect(level('Mapped {/x, GET} route')).toBe('debug');
      expect(level('AppModule dependencies initialized')).toBe('debug');
      expect(level('Listening')).toBe('info');
    } finally {
      await t.close();
    }
  });
});

describe('log format', () => {
  it('is JSON unless a development run writes to a terminal', () => {
    expect(logFormat('development', true)).toBe('pretty');
    expect(logFormat('development', false)).toBe('json');
    expect(logFormat('production', true)).toBe('json');
    expect(logFormat('test', true)).toBe('json');
  });

  it('pretty: one readable line per event with the module, coloured when asked', () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        written.push(chunk.toString());
        cb();
      },
    });
    const line = JSON.stringify({
      level: 'info',
      time: '2026-12-04T10:00:00.000Z',
      service: 'kaltura-discord',
      module: 'bootstrap',
      msg: 'Listening on http://localhost:3000',
    });
    prettyStream(false, sink).write(`${line}\n`);
    prettyStream(true, sink).write(`${line}\n`);
    const [plain, coloured] = written;
    expect(plain).toMatch(/INFO.*\[bootstrap\] Listening on http:\/\/localhost:3000\n$/);
    expect(plain).not.toContain('kaltura-discord');
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[');
  });
});
