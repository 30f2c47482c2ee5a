import { Client, GatewayIntentBits, REST } from 'discord.js';
import { loadSettings } from '../../platform/settings';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DISCORD_MEMBER_CACHE_SIZE, DISCORD_REST_CONNECTIONS, necordOptions } from './discord-client.options';

describe('necordOptions', () => {
  it('connects with the Guilds intent only, to DISCORD_API_URL, pinging nobody by default', () => {
    const options = necordOptions(
      loadSettings({ DISCORD_TOKEN: 't0ken', DISCORD_API_URL: 'http://127.0.0.1:9/api/' }),
    );
    expect(options).toMatchObject({
      token: 't0ken',
      intents: [GatewayIntentBits.Guilds],
      rest: { api: 'http://127.0.0.1:9/api' },
      allowedMentions: { parse: [] },
      development: false,
      skipRegistration: false,
    });
    expect(options.shards).toBeUndefined();
  });

  it('caps the connections to the Discord API: a crowd of requests reuses a keep-alive pool', async () => {
    const sockets = new Set<unknown>();
    const server = http.createServer((req, res) => {
      sockets.add(req.socket);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const options = necordOptions(
      loadSettings({ DISCORD_TOKEN: 't', DISCORD_API_URL: `http://127.0.0.1:${port}/api` }),
    );
    const rest = new REST({ ...options.rest, globalRequestsPerSecond: 10_000 });
    try {
      // Distinct routes (own buckets), all in flight at once.
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          rest.get(`/channels/${100000000000000000n + BigInt(i)}`, { auth: false }),
        ),
      );
      expect(sockets.size).toBeGreaterThan(1);
      expect(sockets.size).toBeLessThanOrEqual(DISCORD_REST_CONNECTIONS);
    } finally {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      await (options.rest?.agent as unknown as { close(): Promise<void> }).close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('bounds the member and user caches, keeping the bot itself', () => {
    const options = necordOptions(loadSettings({ DISCORD_TOKEN: 't' }));
    const client = new Client({ intents: [], makeCache: options.makeCache });
    try {
      const users = client.users.cache as unknown as { maxSize: number };
      expect(users.maxSize).toBe(DISCORD_MEMBER_CACHE_SIZE);
    } finally {
      void client.destroy();
    }
  });

  it('registers to the development guild when one is set', () => {
    const options = necordOptions(
      loadSettings({ DISCORD_TOKEN: 't', DISCORD_DEV_GUILD_ID: '123456789012345678' }),
    );
    expect(options.development).toEqual(['123456789012345678']);
  });

  it('runs the configured shards; only the replica with shard 0 registers commands', () => {
    const first = necordOptions(
      loadSettings({ DISCORD_TOKEN: 't', DISCORD_SHARD_IDS: '0,1', DISCORD_SHARD_COUNT: '4' }),
    );
    expect(first).toMatchObject({ shards: [0, 1], shardCount: 4, skipRegistration: false });
    const second = necordOptions(
      loadSettings({ DISCORD_TOKEN: 't', DISCORD_SHARD_IDS: '2,3', DISCORD_SHARD_COUNT: '4' }),
    );
    expect(second).toMatchObject({ shards: [2, 3], shardCount: 4, skipRegistration: true });
  });

  it('refuses to build a client without a token', () => {
    expect(() => necordOptions(loadSettings({}))).toThrow('DISCORD_TOKEN is unset');
  });
});
