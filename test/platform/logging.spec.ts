import request from 'supertest';
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
