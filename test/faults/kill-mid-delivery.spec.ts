import { type ChildProcess, spawn } from 'node:child_process';
import { createSecretKey, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import type { APIMessage } from 'discord-api-types/v10';
import { AccessTokenService } from '../../src/modules/auth';
import type { NotificationOptions } from '../../src/modules/notification';
import { signWebhookBody } from '../../src/modules/notification';
import { loadSettings } from '../../src/platform/settings';
import { FakeDiscord, type RecordedCall, fakeSnowflake, snowflakeForShard } from '../fakes/discord';
import { WEBHOOK_PATH, WEBHOOK_SECRET, recordingReady, tempConfigDir } from '../notification/support/app';
import { eventually } from '../support/eventually';
import { BUILT_MAIN, freePort } from '../support/process';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';

jest.setTimeout(60_000);

/** This suite's own Redis database (flushed here): test/support/redis-dbs.ts. */
const REDIS_DB = REDIS_DBS.killMidDelivery;
const POSTS = /^\/channels\/\d+\/messages$/;
const CHILD = join(__dirname, 'service-child.js');

/**
 * Stalled-job timings shrunk so recovery takes seconds, not the production minute: the lock (renewed every 2 s
 * while the process lives) outlasts any event-loop pause of an idle test process, and the check runs every second.
 * Retries are quicker too. The Discord request timeout stays production's 10 s: the held POST is still in flight
 * when the kill comes.
 */
const TIMINGS: Partial<NotificationOptions> = {
  lockDurationMs: 4_000,
  stalledIntervalMs: 1_000,
  retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0.2 },
};
/**
 * From the restarted process's start: a job held by the dead one runs again at most one check after the later of
 * its lock's expiry and the first check (the dead process may have run the last check a moment ago), plus slack
 * for the post itself.
 */
const RECOVERY_BOUND_MS = TIMINGS.lockDurationMs! + 2 * TIMINGS.stalledIntervalMs! + 2_000;

/** How often a probe may call the notifications API: it allows 120 requests a minute per caller. */
const API_POLL_MS = 120;
/** How often the start-up loop asks `/health/ready` (a poll with a deadline, not a wait for time to pass). */
const READY_POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Children not yet exited (killed in afterAll should a test fail half-way). */
const running = new Set<ChildProcess>();

interface ServiceChild {
  name: string;
  url: string;
  /** When `/health/ready` first answered 200. */
  readyAt: number;
  output(): string;
  /** Sends `signal` and resolves once the process has exited. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `service-child.js` (the built app) with `env` and waits until it is ready. */
async function startService(name: string, env: Record<string, string>): Promise<ServiceChild> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [CHILD], {
    env: {
      PATH: process.env.PATH ?? '',
      KD_TEST_NOTIFICATION_OPTIONS: JSON.stringify(TIMINGS),
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited during start-up:\n${out.slice(-4_000)}`);
    const ready = await fetch(`${url}/health/ready`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${name} not ready within 30 s:\n${out.slice(-4_000)}`);
    await sleep(READY_POLL_MS);
  }
  return {
    name,
    url,
    readyAt: Date.now(),
    output: () => out,
    signal: async (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * The process is SIGKILLed while a delivery is in flight: Discord has stored the message, its answer never reached
 * the service. No shutdown hook runs; the BullMQ jobs stay `active` under the dead worker's lock. A new process on
 * the same Redis (in-memory storage, as `STORAGE=memory` in production: nothing of the first process's memory
 * survives, only the jobs and the copies of their records) must deliver every accepted notification exactly once,
 * by itself, within a bound set by the stalled-job timings.
 */
describeWithRedis('faults: the process killed (SIGKILL) mid-delivery (BullMQ on Redis)', () => {
  let fake: FakeDiscord;
  let env: Record<string, string>;
  let configDir: string;
  let auth: { Authorization: string };
  const guildId = snowflakeForShard(0, 1);
  const channel = fakeSnowflake();
  const jwtSecret = randomBytes(32).toString('hex');

  beforeAll(async () => {
    if (!existsSync(BUILT_MAIN))
      throw new Error('dist/ is missing: `npm test` builds it first (pretest), or run `npx nest build`');
    // The child runs dist/: a build older than the stalled-job options would wait BullMQ's 30 s defaults.
    const builtOptions = join(BUILT_MAIN, '..', 'modules', 'notification', 'notification.options.js');
    if (!readFileSync(builtOptions, 'utf8').includes('lockDurationMs'))
      throw new Error('dist/ predates the stalled-job options: run `npx nest build`');
    await requireEmptyRedisDb(REDIS_DB);
    fake = new FakeDiscord({
      guilds: [{ id: guildId, name: 'Kill guild', channels: [{ id: channel, name: 'general' }] }],
    });
    const { apiUrl } = await fake.start();
    configDir = tempConfigDir();
    env = {
      NODE_ENV: 'production',
      STORAGE: 'memory',
      KALTURA_MODE: 'sandbox',
      LOG_LEVEL: 'info',
      JWT_SECRET: jwtSecret,
      REDIS_URL: redisUrlForDb(REDIS_DB),
      DISCORD_TOKEN: fake.token,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_API_URL: apiUrl,
      KALTURA_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CONFIG_DIR: configDir,
    };
    // A guild moderator's access token, signed with the services' JWT_SECRET (both processes accept it).
    const tokens = new AccessTokenService(
      new JwtService({ secret: createSecretKey(Buffer.from(jwtSecret, 'utf8')) }),
      loadSettings({ JWT_SECRET: jwtSecret }),
      {} as never, // API keys: only read when verifying an API key's token
    );
    const { token } = tokens.issue({
      kind: 'user',
      subject: '500000000000000001',
      displayName: 'Mod',
      guilds: { [guildId]: 'moderator' },
    });
    auth = { Authorization: `Bearer ${token}` };
  });

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await fake?.stop();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  const json = { 'Content-Type': 'application/json' };
  const posts = (predicate: (call: RecordedCall) => boolean = () => true) =>
    fake.findCalls((c) => c.method === 'POST' && POSTS.test(c.path) && predicate(c));
  const nonceOf = (call: RecordedCall) => (call.body as { nonce?: string }).nonce;
  /** The message a POST created or was given back (also a held one: Discord stored it). */
  const messageOf = (call: RecordedCall) => (call.responseBody as APIMessage | undefined)?.id;
  const notifications = async (service: ServiceChild) => {
    const res = await fetch(`${service.url}/api/v1/guilds/${guildId}/notifications`, { headers: auth });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
  };

  it('a delivery whose answer Discord never sent is not lost nor doubled when the process is killed', async () => {
    const first = await startService('first', env);

    // Discord stores the first message and never answers: the POST is in flight when the kill comes.
    fake.holdResponseNext({ method: 'POST', path: POSTS });
    const created = await fetch(`${first.url}/api/v1/guilds/${guildId}/meetings`, {
      method: 'POST',
      headers: { ...auth, ...json },
      body: JSON.stringify({ title: 'Killed in flight', type: 'meeting', channelId: channel }),
    });
    expect(created.status).toBe(201);
    const { meeting } = (await created.json()) as { meeting: { id: string } };
    const held = await fake.waitForCall((c) => c.fault === 'hold' && POSTS.test(c.path), 10_000);
    expect(held.heldStatus).toBe(200);

    // A webhook accepted meanwhile: stored, mapped to a notification, queued behind the held POST.
    const body = Buffer.from(JSON.stringify(recordingReady({ id: meeting.id, guildId }, '0_killed')));
    const webhook = await fetch(`${first.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        ...json,
        'X-KALTURA-SIGNATURE': signWebhookBody(WEBHOOK_SECRET, body, 'sha256'),
        'X-KALTURA-HASH-ALGO': 'sha256',
      },
      body,
    });
    expect(webhook.status).toBe(200);
    expect(await webhook.json()).toMatchObject({ duplicate: false });
    // Both accepted notifications exist (and are queued) before the kill: that is what must not be lost.
    const accepted = await eventually(
      async () => {
        const items = await notifications(first);
        return items.length === 2 && items.every((n) => n.status === 'pending') && items;
      },
      10_000,
      'both notifications stored and pending in the first process',
      API_POLL_MS,
    );
    const ids = accepted.map((n) => n.id as string).sort();

    const killed = await first.signal('SIGKILL');
    const killedAt = Date.now();
    expect(killed.signal).toBe('SIGKILL');
    const beforeKill = posts();
    // Still in flight at the kill: the held POST is the only one of its notification (discord.js sends one
    // request per route at a time, so the recording's POST waited behind it).
    expect(beforeKill.filter((c) => nonceOf(c) === nonceOf(held))).toEqual([held]);
    expect(fake.channelMessages(channel)).toHaveLength(1); // Discord has it; the service never learnt its id

    const second = await startService('second', env);
    // Discord answered a POST of each notification after the kill…
    await fake
      .waitFor(
        () =>
          ids.every((id) => posts((c) => nonceOf(c) === id && c.status === 200 && c.at >= killedAt).length),
        RECOVERY_BOUND_MS + 5_000,
        'a POST of each notification answered after the kill',
      )
      .catch((err: Error) => {
        throw new Error(
          `${err.message}\n--- second process, last lines ---\n${second.output().slice(-6_000)}`,
        );
      });
    const recoveredInMs = Date.now() - second.readyAt;
    expect(recoveredInMs).toBeLessThan(RECOVERY_BOUND_MS);
    // …and the second process recorded both as sent.
    await eventually(
      async () => {
        const items = await notifications(second);
        return items.length === 2 && items.every((n) => n.status === 'sent');
      },
      5_000,
      'both notifications recorded as sent by the second process',
      API_POLL_MS,
    );
    // No job left in the shared queue (waiting, delayed, active or stalled) that could post again.
    await eventually(
      async () => {
        const res = await fetch(`${second.url}/health/ready`);
        const body = (await res.json()) as { details?: Record<string, { depth?: number }> };
        return body.details?.['notification-queue']?.depth === 0;
      },
      RECOVERY_BOUND_MS,
      'the notification queue to drain',
    );

    // Exactly one message per accepted notification, and the ones the second process recorded.
    const messages = fake.channelMessages(channel);
    expect(messages.map((m) => m.message.content).sort()).toEqual(
      [
        '📅 **Killed in flight** (meeting) was started by Mod.',
        expect.stringMatching(/^🎬 The recording of \*\*Killed in flight\*\* is ready: /),
      ].sort(),
    );
    const sent = await notifications(second);
    expect(sent.map((n) => n.id).sort()).toEqual(ids);
    expect(sent.map((n) => n.messageId).sort()).toEqual(messages.map((m) => m.message.id).sort());
    expect(messages.map((m) => m.message.nonce).sort()).toEqual(ids);

    // Every POST of a notification (the id is its nonce) created or was given back the same message.
    const all = posts();
    expect(new Set(all.map(nonceOf))).toEqual(new Set(ids));
    for (const id of ids) {
      const tries = all.filter((c) => nonceOf(c) === id);
      expect(new Set(tries.map(messageOf)).size).toBe(1);
      expect(tries.every((c) => (c.body as { enforce_nonce?: boolean }).enforce_nonce === true)).toBe(true);
    }
    // The held one was retried by the second process and Discord's nonce check answered with the stored message.
    const retried = all.filter((c) => nonceOf(c) === nonceOf(held) && c !== held);
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ status: 200, fault: null });
    expect(messageOf(retried[0])).toBe(messageOf(held));
    expect(retried[0].at).toBeGreaterThanOrEqual(killedAt);

    const stopped = await second.signal('SIGTERM');
    expect(stopped.code).toBe(0);
  });
});
