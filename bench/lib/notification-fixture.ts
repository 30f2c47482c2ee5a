import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/bootstrap';
import { recordingAdminTags } from '../../src/modules/kaltura';
import { MeetingsService } from '../../src/modules/meetings';
import type { Meeting } from '../../src/modules/meetings';
import { signWebhookBody } from '../../src/modules/notification';
import { listen } from '../../src/platform/http';
import { loadSettings } from '../../src/platform/settings';
import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../../test/fakes/discord';

export const BENCH_WEBHOOK_SECRET = 'bench-webhook-secret';

/** The whole service (as `npm start` builds it) listening on loopback, posting to a local fake Discord. */
export interface NotificationBench {
  app: NestExpressApplication;
  fake: FakeDiscord;
  url: string;
  guildId: string;
  channelId: string;
  meeting: Meeting;
  close(): Promise<void>;
}

/** Discards the service's JSON logs (a benchmark should not measure the terminal). */
const quiet = new Writable({ write: (_chunk, _enc, cb) => cb() });

export async function startNotificationBench(redisUrl?: string): Promise<NotificationBench> {
  const guildId = snowflakeForShard(0, 1);
  const channelId = fakeSnowflake();
  const fake = new FakeDiscord({
    guilds: [{ id: guildId, name: 'Bench guild', channels: [{ id: channelId, name: 'general' }] }],
  });
  const { apiUrl } = await fake.start();
  const configDir = mkdtempSync(join(tmpdir(), 'kd-bench-notification-'));
  mkdirSync(join(configDir, 'overrides'));
  copyFileSync(join(process.cwd(), 'config', 'default_config.json'), join(configDir, 'default_config.json'));
  const settings = loadSettings({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    CONFIG_DIR: configDir,
    DISCORD_TOKEN: fake.token,
    DISCORD_CLIENT_ID: fake.applicationId,
    DISCORD_API_URL: apiUrl,
    KALTURA_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const app = await createApp(settings, { logStream: quiet });
  await listen(app, 0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const meeting = await app.get(MeetingsService).create({
    guildId,
    channelId,
    host: { userId: fakeSnowflake(), displayName: 'Bench host', role: 'moderator' },
    title: 'Bench meeting',
    type: 'meeting',
  });
  await fake.waitFor(() => fake.channelMessages(channelId).length > 0, 10_000, 'the meeting_start message');
  return {
    app,
    fake,
    url,
    guildId,
    channelId,
    meeting,
    close: async () => {
      await app.close();
      await fake.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** A signed Kaltura "entry ready" webhook for a recording of the bench meeting; resolves with the HTTP status. */
export async function sendRecordingReady(
  bench: NotificationBench,
  jobId: number,
  entryId: string,
): Promise<number> {
  const body = JSON.stringify({
    eventNotificationJobId: jobId,
    eventType: 3,
    eventObjectType: 1,
    objectType: 'KalturaHttpNotification',
    object: {
      objectType: 'KalturaMediaEntry',
      id: entryId,
      status: 2,
      adminTags: recordingAdminTags({ guildId: bench.meeting.guildId, meetingId: bench.meeting.id }),
    },
  });
  const res = await fetch(`${bench.url}/api/v1/webhooks/kaltura`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-kaltura-hash-algo': 'sha256',
      'x-kaltura-signature': signWebhookBody(BENCH_WEBHOOK_SECRET, body, 'sha256'),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** When (Date.now()) the fake Discord accepted the message for each entry id. */
export function postedAt(bench: NotificationBench): Map<string, number> {
  const posted = new Map<string, number>();
  for (const call of bench.fake.calls) {
    if (
      call.method !== 'POST' ||
      call.status !== 200 ||
      call.path !== `/channels/${bench.channelId}/messages`
    )
      continue;
    const content = (call.body as { content?: unknown } | undefined)?.content;
    const entry = typeof content === 'string' ? /entryid\/([A-Za-z0-9_]+)/.exec(content)?.[1] : undefined;
    if (entry && !posted.has(entry)) posted.set(entry, call.at);
  }
  return posted;
}
