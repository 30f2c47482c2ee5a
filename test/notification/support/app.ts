import { ROOMY_LIMITS, setDefaultLimits } from '../../meetings/support';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import request from 'supertest';
import { AppModule } from '../../../src/app.module';
import { AccessTokenService } from '../../../src/modules/auth';
import { recordingAdminTags, recordingPartnerData } from '../../../src/modules/kaltura';
import { MeetingsService } from '../../../src/modules/meetings';
import type { Meeting } from '../../../src/modules/meetings';
import {
  DeliveryQueue,
  NOTIFICATION_OPTIONS,
  NotificationOptions,
  NotificationRepository,
  WebhookEventRepository,
  WebhookHashAlgorithm,
  signWebhookBody,
} from '../../../src/modules/notification';
import { DEFAULT_NOTIFICATION_OPTIONS } from '../../../src/modules/notification';
import { configureApp } from '../../../src/platform/http';
import { Settings, loadSettings } from '../../../src/platform/settings';
import { LogCapture } from '../../support/app';
import { eventually } from '../../support/eventually';

export const WEBHOOK_SECRET = 'notification-tests-webhook-secret';
export const WEBHOOK_PATH = '/api/v1/webhooks/kaltura';

/** Fast retries so fault tests finish in seconds; everything else as in production. */
export function testOptions(overrides: Partial<NotificationOptions> = {}): NotificationOptions {
  return {
    ...DEFAULT_NOTIFICATION_OPTIONS,
    retry: { maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 400, jitter: 0.2 },
    requestTimeoutMs: 2_000,
    rateLimitWaitMaxMs: 2_000,
    closeTimeoutMs: 3_000,
    recoveryIntervalMs: 0,
    ...overrides,
  };
}

export interface NotificationTestApp {
  app: NestExpressApplication;
  settings: Settings;
  logs: LogCapture;
  http: ReturnType<typeof request>;
  notifications: NotificationRepository;
  events: WebhookEventRepository;
  meetings: MeetingsService;
  close(): Promise<void>;
}

/**
 * Boots the real application (AppModule + configureApp, as main.ts) with the notification options replaced,
 * which `bootTestApp` cannot do.
 */
export async function bootNotificationApp(
  env: Record<string, string> = {},
  options: NotificationOptions = testOptions(),
): Promise<NotificationTestApp> {
  const settings = loadSettings({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    KALTURA_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...env,
  });
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(settings, { logStream: logs })],
  })
    .overrideProvider(NOTIFICATION_OPTIONS)
    .useValue(options)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, settings);
  await app.init();
  return {
    app,
    settings,
    logs,
    http: request(app.getHttpServer()),
    notifications: app.get(NotificationRepository),
    events: app.get(WebhookEventRepository),
    meetings: app.get(MeetingsService),
    close: () => app.close(),
  };
}

/** `Authorization` header of a guild moderator's access token: the notifications API is moderator-only. */
export function moderatorAuth(t: NotificationTestApp, guildId: string): { Authorization: string } {
  const { token } = t.app.get(AccessTokenService).issue({
    kind: 'user',
    subject: '500000000000000001',
    displayName: 'Mod',
    guilds: { [guildId]: 'moderator' },
  });
  return { Authorization: `Bearer ${token}` };
}

/** POSTs a webhook signed as Kaltura signs it (override any part to break it). */
export function postWebhook(
  t: NotificationTestApp,
  body: string | Buffer | object,
  opts: {
    algorithm?: WebhookHashAlgorithm | string | null;
    secret?: string;
    signature?: string | null;
    contentType?: string | null;
  } = {},
) {
  const raw = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const algorithm = opts.algorithm === undefined ? 'sha256' : opts.algorithm;
  const signature =
    opts.signature !== undefined
      ? opts.signature
      : signWebhookBody(
          opts.secret ?? WEBHOOK_SECRET,
          raw,
          (algorithm && ['sha1', 'sha256', 'sha512'].includes(algorithm)
            ? algorithm
            : 'sha1') as WebhookHashAlgorithm,
        );
  let req = request(t.app.getHttpServer()).post(WEBHOOK_PATH);
  if (opts.contentType !== null) req = req.set('Content-Type', opts.contentType ?? 'application/json');
  if (signature !== null) req = req.set('X-KALTURA-SIGNATURE', signature);
  if (algorithm !== null) req = req.set('X-KALTURA-HASH-ALGO', algorithm);
  // superagent would JSON-encode a Buffer sent as application/json: send the bytes untouched.
  return req.serialize((data: unknown) => data as string).send(raw);
}

let jobIds = Math.floor(Date.now() / 1000) * 1000;
/** A fresh Kaltura job id. */
export const nextJobId = () => ++jobIds;

/** A Kaltura "entry ready" notification for a recording of `meeting`. */
/**
 * A signed-ready "entry ready" body for a recording of `meeting`: the entry carries the admin tags and partner data
 * Kaltura copies from the meeting's template entry (never `referenceId`, which Kaltura does not copy).
 */
export function recordingReady(
  meeting: Pick<Meeting, 'id' | 'guildId'>,
  entryId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    eventNotificationJobId: nextJobId(),
    eventType: 3,
    eventObjectType: 1,
    templateSystemName: 'ENTRY_READY',
    objectType: 'KalturaHttpNotification',
    object: {
      objectType: 'KalturaMediaEntry',
      id: entryId,
      status: 2,
      name: `Recording ${entryId}`,
      adminTags: recordingAdminTags({ guildId: meeting.guildId, meetingId: meeting.id }),
      partnerData: recordingPartnerData({ guildId: meeting.guildId, meetingId: meeting.id }),
      duration: 1_800,
      ...extra,
    },
  };
}

export { eventually };

/** The value of a prom-client counter for `labels` (0 when never incremented). */
export async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const data = await register.getSingleMetric(name)?.get();
  return data?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}

/**
 * Waits until the app's delivery queue holds no job (none waiting, delayed or running). With the recovery sweep
 * off (`testOptions`), nothing can post after that: the positive marker a "no duplicate, nothing more" check
 * waits for instead of sleeping. A job that wrongly retries keeps the queue busy, so its post is seen.
 */
export async function queueDrained(t: Pick<NotificationTestApp, 'app'>, ms = 15_000): Promise<void> {
  const queue = t.app.get(DeliveryQueue);
  await eventually(async () => (await queue.depth()) === 0, ms, 'the delivery queue to drain');
}

export const host = { userId: '300000000000000001', displayName: 'Hosty McHost', role: 'moderator' as const };

/** A throw-away CONFIG_DIR holding the shipped defaults, so config overrides written by a test stay out of the tree. */
export function tempConfigDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kd-notification-config-'));
  mkdirSync(join(dir, 'overrides'));
  copyFileSync(join(process.cwd(), 'config', 'default_config.json'), join(dir, 'default_config.json'));
  // Suites about delivery never reach the command budgets or meeting caps.
  setDefaultLimits(dir, ROOMY_LIMITS);
  return dir;
}
