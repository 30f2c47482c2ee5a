import { once } from 'node:events';
import { Logger } from '@nestjs/common';
import { ChannelType, Client, Events, GatewayIntentBits, PermissionFlagsBits as P } from 'discord.js';
import { FakeDiscord, fakeSnowflake } from '../../../test/fakes/discord';
import { ChannelCheckUnavailableError } from './channel-access.port';
import { DiscordChannelAccess, UnverifiedChannelAccess } from './discord-channel-access';

beforeAll(() => Logger.overrideLogger(false));

const A = fakeSnowflake();
const B = fakeSnowflake();
const OWNER = fakeSnowflake();
const ch = {
  text: fakeSnowflake(),
  voice: fakeSnowflake(),
  readOnly: fakeSnowflake(),
  hidden: fakeSnowflake(),
  thread: fakeSnowflake(),
  other: fakeSnowflake(),
};

describe('DiscordChannelAccess against a local fake Discord', () => {
  let fake: FakeDiscord;
  let clock = 0;
  const access = (client?: Client) =>
    new DiscordChannelAccess({
      apiUrl: fake.apiUrl,
      token: fake.token,
      ttlMs: 60_000,
      requestTimeoutMs: 2_000,
      client: () => client,
      now: () => clock,
    });
  const channelGets = () => fake.findCalls((c) => c.route === 'GET /channels/:channel').length;

  beforeEach(async () => {
    clock = 0;
    fake = new FakeDiscord({
      guilds: [
        {
          id: A,
          name: 'A',
          // Not the bot: an owner has every permission.
          ownerId: OWNER,
          channels: [
            { id: ch.text, name: 'general' },
            { id: ch.voice, name: 'voice', type: ChannelType.GuildVoice },
            { id: ch.readOnly, name: 'ro', permissionOverwrites: [{ id: A, deny: P.SendMessages }] },
            { id: ch.hidden, name: 'hidden', permissionOverwrites: [{ id: A, deny: P.ViewChannel }] },
            { id: ch.thread, name: 'thread', type: ChannelType.PublicThread, parentId: ch.text },
          ],
        },
        { id: B, name: 'B', ownerId: OWNER, channels: [{ id: ch.other, name: 'lobby' }] },
      ],
    });
    await fake.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('judges over REST: owner guild, type, View Channel, Send Messages, threads, unknown ids and names', async () => {
    const a = access();
    const reason = async (ref: string) => {
      const v = await a.check(A, ref);
      return v.ok ? 'ok' : v.reason;
    };
    expect(await reason(ch.text)).toBe('ok');
    expect(await reason(`<#${ch.text}>`)).toBe('ok');
    expect(await reason('general')).toBe('ok');
    expect(await reason(ch.other)).toBe('other_guild');
    expect(await reason('lobby')).toBe('unknown'); // a name is looked up in this guild only
    expect(await reason(ch.voice)).toBe('wrong_type');
    expect(await reason(ch.readOnly)).toBe('missing_permissions');
    expect(await reason(ch.hidden)).toBe('no_access');
    expect(await reason(ch.thread)).toBe('missing_permissions'); // Send Messages, not Send Messages in Threads
    expect(await reason(fakeSnowflake())).toBe('unknown');
    a.close();
  });

  it('caches a verdict for its TTL; forget() and expiry ask Discord again', async () => {
    const a = access();
    expect((await a.check(A, ch.text)).ok).toBe(true);
    const calls = channelGets();
    fake.setChannelOverwrites(ch.text, [{ id: A, deny: P.SendMessages }]);
    expect((await a.check(A, ch.text)).ok).toBe(true); // cached
    expect(channelGets()).toBe(calls);
    clock += 60_001;
    expect(await a.check(A, ch.text)).toMatchObject({ ok: false, reason: 'missing_permissions' });
    fake.setChannelOverwrites(ch.text, []);
    a.forget(ch.text);
    expect((await a.check(A, ch.text)).ok).toBe(true);
    a.close();
  });

  it('refuses (503) when Discord cannot be asked: never a silent pass', async () => {
    const a = access();
    fake.failNext({ status: 502, times: 5 });
    await expect(a.check(A, ch.text)).rejects.toBeInstanceOf(ChannelCheckUnavailableError);
    a.close();
  });

  it('answers from the gateway cache when the guild is there (no REST call), with the same verdicts', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
    await fake.waitFor(() => client.guilds.cache.has(A) && client.guilds.cache.has(B));
    try {
      const a = access(client);
      const before = channelGets();
      expect((await a.check(A, ch.text)).ok).toBe(true);
      expect(await a.check(A, ch.other)).toMatchObject({ ok: false, reason: 'other_guild' });
      expect(await a.check(A, ch.readOnly)).toMatchObject({ ok: false, reason: 'missing_permissions' });
      expect(await a.check(A, ch.hidden)).toMatchObject({ ok: false, reason: 'no_access' });
      expect(await a.check(A, ch.thread)).toMatchObject({ ok: false, reason: 'missing_permissions' });
      expect(await a.check(A, ch.voice)).toMatchObject({ ok: false, reason: 'wrong_type' });
      expect(
        fake
          .findCalls((c) => c.route === 'GET /channels/:channel')
          .slice(before)
          .map((c) => c.path),
      ).toEqual([]);
      a.close();
    } finally {
      await client.destroy();
    }
  });
});

describe('UnverifiedChannelAccess (no bot token: nothing can be posted)', () => {
  it('accepts ids and names by form only, marked unverified', async () => {
    const a = new UnverifiedChannelAccess();
    expect(await a.check('1', '<#123456789012345678>')).toEqual({
      ok: true,
      channelId: '123456789012345678',
      verified: false,
    });
    expect(await a.check('1', '  ')).toMatchObject({ ok: false, reason: 'unknown' });
  });
});
