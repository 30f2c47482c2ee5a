import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { AccessTokenService } from '../../src/modules/auth';
import type { DeliveryQueue } from '../../src/modules/notification';
import {
  DEFAULT_WEBHOOKS_OUT_OPTIONS,
  WEBHOOKS_OUT_OPTIONS,
  WEBHOOKS_OUT_QUEUE,
  type WebhooksOutOptions,
} from '../../src/modules/webhooks-out';
import { configureApp } from '../../src/platform/http';
import { loadSettings } from '../../src/platform/settings';
import { LogCapture } from '../support/app';
import { eventually } from '../support/eventually';

/**
 * A Standard Webhooks verifier written from the specification (https://www.standardwebhooks.com/, "Verifying
 * webhooks"), independent of the service's signer: the key is the base64 after `whsec_`; the signed content is
 * `<webhook-id>.<webhook-timestamp>.<body>`; `webhook-signature` is a space-separated list of `v1,<base64>`; the
 * timestamp must be within 5 minutes of now.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.split('_')[1], 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A local receiver: records every request, answers each with the next scripted status (then 204), and counts
 * TCP connections (a refused target must not even connect). `hold()` keeps the next request unanswered.
 */
/**
 * Waits until the outgoing webhooks' queue holds no job (waiting, delayed or running): the positive marker a
 * "nothing more is sent" check waits for instead of sleeping. A job that wrongly retries keeps it busy.
 */
export async function webhooksQueueDrained(app: INestApplication, ms = 10_000): Promise<void> {
  const queue = app.get<DeliveryQueue>(WEBHOOKS_OUT_QUEUE);
  await eventually(async () => (await queue.depth()) === 0, ms, 'the outgoing webhooks queue to drain');
}

export class Receiver {
  readonly received: ReceivedWebhook[] = [];
  connections = 0;
  private readonly script: Array<number | 'hold'> = [];
  private readonly held: http.ServerResponse[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      this.received.push({ headers: req.headers, body, at: Date.now() });
      const next = this.script.shift() ?? 204;
      if (next === 'hold') {
        this.held.push(res);
        return;
      }
      res.statusCode = next;
      res.end();
    });
  });
  url = '';

  async start(): Promise<string> {
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  answer(...statuses: Array<number | 'hold'>): void {
    this.script.push(...statuses);
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The full app with the outgoing webhook options replaced (quick retries) and `env` over a quiet baseline. */
export async function bootWebhooksApp(
  env: Record<string, string>,
  options: Partial<WebhooksOutOptions> = {},
): Promise<{ app: NestExpressApplication; logs: LogCapture; close: () => Promise<void> }> {
  const settings = loadSettings({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...env });
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(settings, { logStream: logs })],
  })
    .overrideProvider(WEBHOOKS_OUT_OPTIONS)
    .useValue({ ...DEFAULT_WEBHOOKS_OUT_OPTIONS, ...options })
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, settings);
  await app.init();
  return { app, logs, close: () => app.close() };
}

/** A bearer header for a Discord user who is admin (or `role`) of `guildIds`. */
export function bearerFor(
  app: INestApplication,
  guildIds: string[],
  role: 'admin' | 'moderator' | 'viewer' = 'admin',
): { Authorization: string } {
  const { token } = app.get(AccessTokenService).issue({
    kind: 'user',
    subject: '770000000000000001',
    displayName: 'Hook Admin',
    guilds: Object.fromEntries(guildIds.map((g) => [g, role])),
  });
  return { Authorization: `Bearer ${token}` };
}
