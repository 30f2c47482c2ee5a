import { GatewayIntentBits } from 'discord.js';
import { loadSettings } from '../../platform/settings';
import { necordOptions } from './discord-client.options';

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
