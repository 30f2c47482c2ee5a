import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { signWebhookBody } from '../../src/modules/notification';
import { FakeDiscord } from '../fakes/discord';
import { eventually } from '../support/eventually';
import { BUILT_MAIN, freePort } from '../support/process';

jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'discord-down-tests-webhook-secret-0123';

/**
 * Listen first: the built service, with Discord unreachable (DISCORD_API_URL points at a closed port), opens its
 * HTTP port, takes webhooks and answers REST, reports the gateway in readiness without failing it, and connects
 * once Discord comes up on that address (a TCP relay to a fake Discord, opened later).
 */
describe('the built service with Discord unreachable', () => {
  let child: ChildProcess | undefined;
  let out = '';
  let relay: net.Server | undefined;
  const discord = new FakeDiscord();

  beforeAll(() => {
    if (!existsSync(BUILT_MAIN)) throw new Error('dist/main.js is missing: run `npx nest build` first');
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => (relay ? relay.close(r) : r(undefined)));
    await discord.stop().catch(() => undefined);
  });

  it('serves HTTP at once, keeps retrying the login with backoff, and connects when Discord comes up', async () => {
    const [port, discordPort] = [await freePort(), await freePort()];
    child = spawn(process.execPath, [BUILT_MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        DISCORD_TOKEN: 'fake-bot-token',
        DISCORD_API_URL: `http://127.0.0.1:${discordPort}/api`,
        KALTURA_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;

    await eventually(async () => (await fetch(`${base}/health/live`)).ok, 15_000, 'HTTP port open');
    await eventually(async () => out.includes('retrying in'), 10_000, 'a failed login logged');

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { details: Record<string, Record<string, unknown>> };
    expect(body.details.discord).toMatchObject({ status: 'down', required: false, state: 'retrying' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/kd_dependency_up\{dependency="discord"\} 0/);
    expect(metrics).toMatch(/kd_dependency_up\{dependency="storage"\} 1/);

    // Webhook intake works (a signed event for no known meeting is accepted and ignored).
    const raw = JSON.stringify({
      eventNotificationJobId: 1,
      eventType: 3,
      eventObjectType: 1,
      objectType: 'KalturaHttpNotification',
      object: { objectType: 'KalturaMediaEntry', id: '0_x', status: 2, referenceId: 'none' },
    });
    const hook = await fetch(`${base}/api/v1/webhooks/kaltura`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-KALTURA-SIGNATURE': signWebhookBody(WEBHOOK_SECRET, Buffer.from(raw), 'sha256'),
        'X-KALTURA-HASH-ALGO': 'sha256',
      },
      body: raw,
    });
    expect(hook.status).toBeLessThan(300);
    // The REST API answers (an unauthenticated call is refused by the API, not by a closed port).
    const rest = await fetch(`${base}/api/v1/guilds/1/meetings`);
    expect(rest.status).toBe(401);
    expect(rest.headers.get('content-type')).toContain('application/problem+json');

    // Discord comes up at the address the service was given: the next attempt connects.
    await discord.start();
    const target = new URL(discord.apiUrl);
    relay = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port), '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      const end = () => (socket.destroy(), upstream.destroy());
      socket.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((r) => relay!.listen(discordPort, '127.0.0.1', () => r()));
    await eventually(
      async () => {
        const res = await fetch(`${base}/health/ready`);
        const details = ((await res.json()) as { details: Record<string, { status?: string }> }).details;
        return details.discord?.status === 'up';
      },
      30_000,
      'gateway connected',
    );
    expect(out).toContain('Discord gateway: connected');
    expect(out).not.toContain('fake-bot-token');
  });
});
