import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { KalturaClientAdapter, KalturaPort, type KalturaResilienceOptions } from '../../src/modules/kaltura';
import { NOTIFICATION_OPTIONS, type NotificationOptions } from '../../src/modules/notification';
import { configureApp } from '../../src/platform/http';
import { Settings, loadSettings } from '../../src/platform/settings';
import { FakeDiscord, type FakeDiscordOptions } from '../fakes/discord';
import { FakeKaltura } from '../fakes/kaltura';
import {
  KAF_URL,
  configDirWith,
  resetProcessState,
  worldDiscordOptions,
  type FullApp,
} from '../support/full-app';
import { LogCapture } from '../support/app';

/**
 * Kaltura resilience shrunk so faults play out in seconds: a 1.2 s attempt timeout (the production default is
 * 10 s), short backoffs, a breaker that opens after 4 failed attempts and half-opens after 1.5 s. The shapes are
 * the production ones; only the clocks are faster.
 */
export const FAST_KALTURA: Partial<KalturaResilienceOptions> = {
  timeoutMs: 1_200,
  maxAttempts: 3,
  initialBackoffMs: 50,
  maxBackoffMs: 200,
  breakerThreshold: 4,
  halfOpenAfterMs: 1_500,
};

let booted = false;

/**
 * `bootFullApp` with the knobs fault tests need and `bootTestApp` cannot set: the Kaltura adapter's resilience
 * options and the notification options (both replaced through Nest's provider overrides, as a test module may).
 * Same rule as `bootFullApp`: one Discord-enabled app per test file.
 */
export async function bootFaultApp(
  options: {
    env?: Record<string, string>;
    discord?: FakeDiscordOptions;
    kaltura?: Partial<KalturaResilienceOptions>;
    notification?: NotificationOptions;
  } = {},
): Promise<FullApp & { kaltura: FakeKaltura }> {
  if (booted) throw new Error('bootFaultApp: one Discord-enabled app per test file');
  booted = true;
  const discord = new FakeDiscord(worldDiscordOptions(options.discord));
  await discord.start();
  const kaltura = new FakeKaltura();
  await kaltura.start();
  resetProcessState();
  const settings = loadSettings({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    CONFIG_DIR: configDirWith(() => undefined),
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_CLIENT_ID: discord.applicationId,
    KALTURA_PARTNER_ID: String(kaltura.partnerId),
    KALTURA_ADMIN_SECRET: kaltura.adminSecret,
    KALTURA_SERVICE_URL: kaltura.url,
    KALTURA_KAF_URL: KAF_URL,
    ...options.env,
  });
  const logs = new LogCapture();
  let builder = Test.createTestingModule({
    imports: [AppModule.register(settings, { logStream: logs })],
  })
    .overrideProvider(KalturaPort)
    .useFactory({
      factory: (s: Settings) => new KalturaClientAdapter(s.kaltura, { ...FAST_KALTURA, ...options.kaltura }),
      inject: [Settings],
    });
  if (options.notification)
    builder = builder.overrideProvider(NOTIFICATION_OPTIONS).useValue(options.notification);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, settings);
  try {
    await app.init();
    await discord.waitForCall(
      (c) => c.status === 200 && c.route === 'PUT /applications/:app/commands',
      10_000,
    );
  } catch (err) {
    await app.close().catch(() => undefined);
    await discord.stop();
    await kaltura.stop();
    throw err;
  }
  return {
    app,
    settings,
    logs,
    discord,
    kaltura,
    close: async () => {
      await app.close();
      await discord.stop();
      await kaltura.stop();
    },
  };
}

export { eventually } from '../support/eventually';
