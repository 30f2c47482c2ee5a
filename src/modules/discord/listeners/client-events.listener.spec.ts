import { EventEmitter } from 'node:events';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { Client } from 'discord.js';
import { HealthRegistry } from '../../../platform/health';
import { DiscordInvalidRequests } from '../../../platform/metrics';
import { testCounter, testHistogram } from '../../../../test/discord/support/interaction-stubs';
import type { DiscordConnection } from '../discord-connection';
import { DiscordMetrics } from '../discord.metrics';
import { ClientEventsListener } from './client-events.listener';

function setup(ready: boolean) {
  const rest = new EventEmitter();
  const client = {
    isReady: () => ready,
    ws: { ping: 42 },
    guilds: { cache: { size: 3 } },
    rest,
  } as unknown as Client;
  const health = new HealthRegistry();
  const rateLimits = testCounter('r', ['scope']);
  const invalid = testCounter('v', ['status']);
  const listener = new ClientEventsListener(
    client,
    health,
    new DiscordMetrics(testCounter('i', ['kind', 'command', 'outcome']), rateLimits, testHistogram()),
    new DiscordInvalidRequests(invalid),
    { details: () => ({ state: ready ? 'ready' : 'retrying', attempts: 2 }) } as unknown as DiscordConnection,
  );
  listener.onModuleInit();
  return { rest, health, rateLimits, invalid, listener };
}

describe('ClientEventsListener', () => {
  const logged: string[] = [];
  beforeAll(() =>
    Logger.overrideLogger({
      log: (m: unknown, ...r: unknown[]) => logged.push(JSON.stringify([m, ...r])),
      warn: (m: unknown, ...r: unknown[]) => logged.push(JSON.stringify([m, ...r])),
      error: (m: unknown, ...r: unknown[]) => logged.push(JSON.stringify([m, ...r])),
    }),
  );
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('reports the gateway in readiness: up with ping and guilds, down before ready', async () => {
    const up = setup(true)
      .health.all()
      .find((c) => c.name === 'discord')!;
    expect(await up.check()).toEqual({ state: 'ready', attempts: 2, ping: 42, guilds: 3 });
    expect(up).toMatchObject({ required: false, dependency: 'discord' });
    const down = setup(false)
      .health.all()
      .find((c) => c.name === 'discord')!;
    await expect(down.check()).rejects.toMatchObject({
      message: 'Discord gateway is not connected',
      details: { state: 'retrying', attempts: 2 },
    });
  });

  it('counts and logs rate limits without the URL (it can hold an interaction token)', async () => {
    const { rest, rateLimits } = setup(true);
    rest.emit('rateLimited', {
      route: '/webhooks/:id/:token',
      method: 'POST',
      retryAfter: 300,
      global: false,
      scope: 'user',
      url: 'https://discord.com/api/v10/webhooks/1/SECRET-TOKEN',
    });
    expect((await rateLimits.get()).values).toEqual([
      expect.objectContaining({ labels: { scope: 'route' }, value: 1 }),
    ]);
    expect(logged.join('\n')).toContain('Discord rate limit hit');
    expect(logged.join('\n')).not.toContain('SECRET-TOKEN');
  });

  it("counts 401/403/429 answers toward Discord's invalid-request limit, not shared-scope 429s (issue 26 item 11)", async () => {
    const { rest, invalid } = setup(true);
    const headers = (scope?: string) => ({
      get: (n: string) => (n === 'x-ratelimit-scope' ? (scope ?? null) : null),
    });
    const request = { path: '/channels/1/messages', data: {} };
    for (const [status, scope] of [
      [403],
      [403],
      [401],
      [429, 'user'],
      [429, 'shared'],
      [404],
      [200],
    ] as const)
      rest.emit('response', request, { status, headers: headers(scope) });
    const values = (await invalid.get()).values.map((v) => [v.labels.status, v.value]);
    expect(Object.fromEntries(values)).toEqual({ '401': 1, '403': 2, '429': 1 });
  });

  it('logs client errors instead of letting them end the process', () => {
    const { listener } = setup(true);
    expect(() => listener.onError([new Error('socket hang up')])).not.toThrow();
    expect(logged.join('\n')).toContain('Discord client error');
  });
});
