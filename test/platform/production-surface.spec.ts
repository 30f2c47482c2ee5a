import request from 'supertest';
import { signWebhookBody } from '../../src/modules/notification/domain/webhook-signature';
import { RATE_LIMITS } from '../../src/modules/auth';
import { SANDBOX_ADMIN_SECRET } from '../../src/platform/settings';
import { TestApp, bootTestApp } from '../support/app';

/** A production instance on embedded storage, with the simulated Kaltura chosen explicitly. */
const PRODUCTION = {
  NODE_ENV: 'production',
  STORAGE: 'memory',
  JWT_SECRET: 'p'.repeat(48),
  KALTURA_MODE: 'sandbox',
};
const BODY = JSON.stringify({ eventNotificationJobId: 77, eventType: 3, eventObjectType: 1, object: {} });

async function withApp(env: Record<string, string>, run: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await bootTestApp(env);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

/** Sends `count` sign-in attempts, each claiming another client address; returns their statuses. */
async function signInsFromRotatingAddresses(t: TestApp, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/auth/token')
      .set('X-Forwarded-For', `10.9.${Math.floor(i / 250)}.${(i % 250) + 1}`)
      .send({ grant_type: 'api_key', api_key: 'kd_live_not-a-key' });
    statuses.push(res.status);
  }
  return statuses;
}

describe('production surface', () => {
  describe('TRUST_PROXY', () => {
    it('by default trusts no proxy: rotating X-Forwarded-For does not escape the /auth limit', async () => {
      await withApp(PRODUCTION, async (t) => {
        const statuses = await signInsFromRotatingAddresses(t, RATE_LIMITS.auth.limit + 1);
        expect(statuses.slice(0, -1)).not.toContain(429);
        expect(statuses.at(-1)).toBe(429);
      });
    });

    it('with TRUST_PROXY=1 counts the address the proxy forwarded', async () => {
      await withApp({ ...PRODUCTION, TRUST_PROXY: '1' }, async (t) => {
        const statuses = await signInsFromRotatingAddresses(t, RATE_LIMITS.auth.limit + 1);
        expect(statuses).not.toContain(429);
        // …and one forwarded address still has one budget.
        const again: number[] = [];
        for (let i = 0; i < RATE_LIMITS.auth.limit + 1; i++) {
          const res = await request(t.app.getHttpServer())
            .post('/api/v1/auth/token')
            .set('X-Forwarded-For', '203.0.113.9')
            .send({});
          again.push(res.status);
        }
        expect(again.at(-1)).toBe(429);
      });
    });
  });

  describe('API_DOCS and HSTS', () => {
    it('production serves no API docs and no HSTS by default', async () => {
      await withApp(PRODUCTION, async (t) => {
        const http = request(t.app.getHttpServer());
        expect((await http.get('/api/docs-json')).status).toBe(404);
        expect((await http.get('/api/docs')).status).toBe(404);
        expect((await http.get('/health/live')).headers['strict-transport-security']).toBeUndefined();
      });
    });

    it('API_DOCS=on and HSTS=on turn them on', async () => {
      await withApp({ ...PRODUCTION, API_DOCS: 'on', HSTS: 'on' }, async (t) => {
        const http = request(t.app.getHttpServer());
        expect((await http.get('/api/docs-json')).status).toBe(200);
        expect((await http.get('/health/live')).headers['strict-transport-security']).toMatch(/max-age=\d+/);
      });
    });

    it('development serves API docs unless API_DOCS=off', async () => {
      await withApp({ API_DOCS: 'off' }, async (t) => {
        expect((await request(t.app.getHttpServer()).get('/api/docs-json')).status).toBe(404);
      });
    });
  });

  describe('Kaltura webhooks in production sandbox', () => {
    const post = (t: TestApp, secret: string) =>
      request(t.app.getHttpServer())
        .post('/api/v1/webhooks/kaltura')
        .set('Content-Type', 'application/json')
        .set('X-KALTURA-SIGNATURE', signWebhookBody(secret, BODY, 'sha256'))
        .set('X-KALTURA-HASH-ALGO', 'sha256')
        .send(BODY);

    it('refuses every webhook without KALTURA_WEBHOOK_SECRET, even one signed with the public sandbox secret', async () => {
      await withApp(PRODUCTION, async (t) => {
        const res = await post(t, SANDBOX_ADMIN_SECRET);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('WEBHOOK_INTAKE_DISABLED');
      });
    });

    it('with its own secret accepts what it signs and refuses the sandbox secret', async () => {
      const secret = 's'.repeat(40);
      await withApp({ ...PRODUCTION, KALTURA_WEBHOOK_SECRET: secret }, async (t) => {
        expect((await post(t, SANDBOX_ADMIN_SECRET)).status).toBe(401);
        expect((await post(t, secret)).status).toBe(200);
      });
    });
  });

  it(`rate-limits the webhook route per source (${RATE_LIMITS.webhook.limit} a minute), 429 with Retry-After`, async () => {
    await withApp({ ...PRODUCTION, TRUST_PROXY: '1' }, async (t) => {
      const send = (from: string) =>
        request(t.app.getHttpServer())
          .post('/api/v1/webhooks/kaltura')
          .set('X-Forwarded-For', from)
          .set('Content-Type', 'application/json')
          .send(BODY);
      for (let i = 0; i < RATE_LIMITS.webhook.limit; i++) {
        expect((await send('198.51.100.7')).status).toBe(403);
      }
      const limited = await send('198.51.100.7');
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another source has its own budget; a token does not buy a webhook sender a new one.
      expect((await send('198.51.100.8')).status).toBe(403);
      const withToken = await send('198.51.100.7').set('Authorization', 'Bearer x.y.z');
      expect(withToken.status).toBe(429);
    });
  }, 60_000);
});
