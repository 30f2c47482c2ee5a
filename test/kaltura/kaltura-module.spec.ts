import { eventually } from '../support/eventually';
import { Global, INestApplication, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import request from 'supertest';
import {
  KALTURA_METRICS,
  KalturaClientAdapter,
  KalturaModule,
  KalturaPort,
  KalturaSandboxAdapter,
  KsType,
  mintKs,
} from '../../src/modules/kaltura';
import { HealthRegistry } from '../../src/platform/health';
import { Settings, SettingsModule, loadSettings } from '../../src/platform/settings';
import { FakeKaltura } from '../fakes/kaltura';

@Global()
@Module({ providers: [HealthRegistry], exports: [HealthRegistry] })
class TestHealthModule {}

async function appFor(settings: Settings): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [SettingsModule.forRoot(settings), TestHealthModule, KalturaModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = register.getSingleMetric(name);
  const data = await metric?.get();
  return data?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('KalturaModule', () => {
  beforeAll(() => Logger.overrideLogger(false));

  describe('sandbox mode (no partner configured)', () => {
    const settings = loadSettings({});
    let app: INestApplication;
    let port: KalturaPort;

    beforeAll(async () => {
      register.clear(); // prom-client's registry is process-global
      app = await appFor(settings);
      port = app.get(KalturaPort);
    });
    afterAll(() => app.close());

    it('binds the sandbox adapter and exposes the circuit gauge at 0', async () => {
      expect(settings.kaltura.mode).toBe('sandbox');
      expect(port).toBeInstanceOf(KalturaSandboxAdapter);
      expect(await metricValue(KALTURA_METRICS.circuit)).toBe(0);
    });

    it('runs the whole flow: room, user, personal link, launch page', async () => {
      const room = await port.createRoom({
        guildId: '1001',
        meetingId: 'm-1',
        title: 'Team <script>alert(1)</script>',
        type: 'webinar',
      });
      await port.ensureUser({ id: 'discord_1', displayName: 'Ada' });
      const url = await port.joinUrl({
        room,
        user: { id: 'discord_1', firstName: 'Ada', lastName: '"Lovelace"' },
        role: 'moderator',
      });

      const res = await request(app.getHttpServer()).get(url).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.text).toContain('Team &#60;script&#62;alert(1)&#60;/script&#62; (webinar, active)');
      expect(res.text).not.toContain('<script>alert');
      expect(res.text).toContain('discord_1');
      expect(res.text).toContain('Ada &#34;Lovelace&#34;');
      expect(res.text).toContain('adminRole / userContextualRole 0 (host / moderator)');
      expect(res.text).toContain(String(room.resourceId));

      await port.endRoom(room);
      const after = await request(app.getHttpServer()).get(url).expect(200);
      expect(after.text).toContain('(webinar, ended)');
    });

    it.each([
      ['no KS', '/sandbox/launch', 'not valid'],
      ['garbage', '/sandbox/launch?ks=%3Cscript%3E', 'not valid'],
      ['a repeated parameter', '/sandbox/launch?ks=a&ks=b', 'not valid'],
    ])('answers 400 in plain text for %s', async (_label, path, text) => {
      const res = await request(app.getHttpServer()).get(path).expect(400);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain(text);
    });

    it('answers 400 for a KS signed with another secret, a tampered KS and an expired KS', async () => {
      const k = settings.kaltura;
      const base = { partnerId: k.partnerId, type: KsType.USER, userId: 'u', privileges: 'resourceId:1001' };
      const foreign = mintKs({ ...base, secret: 'someone-else', expiresIn: 600 });
      const expired = mintKs({
        ...base,
        secret: k.adminSecret,
        expiresAt: Math.floor(Date.now() / 1000) - 1,
      });
      const valid = mintKs({ ...base, secret: k.adminSecret, expiresIn: 600 });
      const tampered = valid.slice(0, 30) + (valid[30] === 'A' ? 'B' : 'A') + valid.slice(31);
      const get = (ks: string) =>
        request(app.getHttpServer()).get(`/sandbox/launch?ks=${encodeURIComponent(ks)}`);
      expect((await get(foreign).expect(400)).text).toContain('not valid');
      expect((await get(tampered).expect(400)).text).toContain('not valid');
      expect((await get(expired).expect(400)).text).toContain('expired');
      await get(valid).expect(200);
    });
  });

  describe('live mode (partner configured)', () => {
    const fake = new FakeKaltura();
    let settings: Settings;
    let app: INestApplication;

    beforeAll(async () => {
      register.clear();
      await fake.start();
      settings = loadSettings({
        KALTURA_PARTNER_ID: String(fake.partnerId),
        KALTURA_ADMIN_SECRET: fake.adminSecret,
        KALTURA_SERVICE_URL: fake.url,
      });
      app = await appFor(settings);
    });
    afterAll(async () => {
      await app.close();
      await fake.stop();
    });

    it('binds the kaltura-client adapter, which reaches the configured service URL and counts calls', async () => {
      const port = app.get(KalturaPort);
      expect(port).toBeInstanceOf(KalturaClientAdapter);
      const room = await port.createRoom({
        guildId: '1001',
        meetingId: 'm-live',
        title: 'Live',
        type: 'meeting',
      });
      expect(fake.resource(room.resourceId)).toBeDefined();
      expect(
        await metricValue(KALTURA_METRICS.calls, {
          service: 'multirequest',
          action: 'createRoom',
          outcome: 'success',
        }),
      ).toBe(1);
      expect(await metricValue(KALTURA_METRICS.circuit)).toBe(0);
      const url = await port.joinUrl({ room, user: { id: 'discord_2', firstName: 'B' }, role: 'viewer' });
      expect(url.startsWith(`https://${fake.partnerId}.kaf.kaltura.com/virtualEvent/launch?ks=`)).toBe(true);
    });

    it('does not serve the sandbox launch page (404), even for a valid KS', async () => {
      const k = settings.kaltura;
      const userId = 'discord_live_user';
      const ks = mintKs({
        secret: k.adminSecret,
        partnerId: k.partnerId,
        type: KsType.USER,
        userId,
        expiresIn: 600,
      });
      const res = await request(app.getHttpServer())
        .get(`/sandbox/launch?ks=${encodeURIComponent(ks)}`)
        .expect(404);
      expect(res.text).not.toContain(userId);
    });

    it('registers a readiness check that fails while the circuit is open and names the cause', async () => {
      const check = app
        .get(HealthRegistry)
        .all()
        .find((c) => c.name === 'kaltura');
      expect(await check?.check()).toEqual({ mode: 'live', circuit: 'closed' });
      const port = app.get(KalturaPort);
      await fake.goDown();
      try {
        for (let i = 0; i < 10 && port.circuitState() !== 'open'; i++) {
          await port.getRoom({ resourceId: 1 }).catch(() => undefined);
        }
        expect(port.circuitState()).toBe('open');
        await expect(check?.check()).rejects.toThrow(/circuit open/);
      } finally {
        await fake.goUp();
      }
    });
  });
});

describe('KalturaModule readiness follows the circuit both ways', () => {
  const fake = new FakeKaltura();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('is down while the breaker is open and up again once Kaltura answers after the cool-down', async () => {
    const settings = loadSettings({
      KALTURA_PARTNER_ID: String(fake.partnerId),
      KALTURA_ADMIN_SECRET: fake.adminSecret,
      KALTURA_SERVICE_URL: fake.url,
    });
    const port = new KalturaClientAdapter(settings.kaltura, {
      maxAttempts: 1,
      breakerThreshold: 2,
      halfOpenAfterMs: 300,
      initialBackoffMs: 1,
    });
    const registry = new HealthRegistry();
    new KalturaModule(registry, port, settings).onModuleInit();
    const check = registry.all().find((c) => c.name === 'kaltura')!;

    await fake.goDown();
    for (let i = 0; i < 5 && port.circuitState() !== 'open'; i++) {
      await port.getRoom({ resourceId: 1 }).catch(() => undefined);
    }
    await expect(check.check()).rejects.toThrow(/circuit open/);

    await fake.goUp();
    await eventually(() => port.circuitState() === 'half-open', 5_000, 'the breaker to half-open');
    const room = await port.createRoom({
      guildId: '1001',
      meetingId: 'recover',
      title: 'Back',
      type: 'meeting',
    });
    expect(room.resourceId).toBeGreaterThan(0);
    expect(await check.check()).toEqual({ mode: 'live', circuit: 'closed' });
  });
});
