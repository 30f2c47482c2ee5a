import { once } from 'node:events';
import {
  ChatInputCommandInteraction,
  DiscordAPIError,
  Events,
  RESTEvents,
  type Client,
  type Interaction,
  type RateLimitData,
  type TextChannel,
} from 'discord.js';
import type { FakeDiscord } from './fake-discord';
import { readyClient, shutdown, startFake, world } from './spec-helpers';

const nextInteraction = async (client: Client): Promise<Interaction> =>
  (await once(client, Events.InteractionCreate))[0] as Interaction;
const messagesPath = /^\/channels\/\d+\/messages$/;
/** No 5 s identify spacing between re-identifies (the default throttler would slow the tests down). */
const noIdentifyThrottle = { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) };

describe('FakeDiscord REST faults', () => {
  let fake: FakeDiscord;
  let client: Client<true> | undefined;
  let channel: TextChannel;

  beforeEach(async () => {
    fake = await startFake();
    client = await readyClient(fake, { rest: { timeout: 500, retries: 3 } });
    channel = client.channels.cache.get(world.channelA) as TextChannel;
  });

  afterEach(async () => {
    await shutdown(fake, client);
    client = undefined;
  });

  it('answers 429 with Discord headers; @discordjs/rest waits it out and emits rateLimited', async () => {
    const limits: RateLimitData[] = [];
    client!.rest.on(RESTEvents.RateLimited, (data) => limits.push(data));
    fake.rateLimitNext({ method: 'POST', path: messagesPath, retryAfter: 0.3 });
    const started = Date.now();
    const message = await channel.send({ content: 'hello' });
    expect(message.content).toBe('hello');
    const calls = fake.findCalls((call) => call.method === 'POST' && messagesPath.test(call.path));
    expect(calls.map((call) => call.status)).toEqual([429, 200]);
    expect(calls[0]).toMatchObject({ fault: 'rateLimit', responseBody: { retry_after: 0.3, global: false } });
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(limits).toEqual([
      expect.objectContaining({ global: false, method: 'POST', route: '/channels/:id/messages' }),
    ]);
  });

  it('honours a global 429 (X-RateLimit-Global)', async () => {
    const limits: RateLimitData[] = [];
    client!.rest.on(RESTEvents.RateLimited, (data) => limits.push(data));
    fake.rateLimitNext({ global: true, retryAfter: 0.1 });
    await channel.send({ content: 'after global limit' });
    expect(limits[0]).toMatchObject({ global: true });
    expect(fake.calls.filter((call) => call.fault === 'rateLimit')).toHaveLength(1);
  });

  it('answers 5xx; @discordjs/rest retries', async () => {
    fake.failNext({ status: 502, times: 2, path: messagesPath });
    await channel.send({ content: 'eventually' });
    expect(fake.findCalls((call) => messagesPath.test(call.path)).map((call) => call.status)).toEqual([
      502, 502, 200,
    ]);
  });

  it('makes a route return a Discord error (30046, 50001)', async () => {
    const message = await channel.send({ content: 'old' });
    fake.failRoute({
      method: 'PATCH',
      path: /\/messages\/\d+$/,
      status: 400,
      code: 30046,
      message: 'Maximum number of edits to messages older than 1 hour reached. Try again later.',
    });
    const edit = message.edit({ content: 'new' });
    await expect(edit).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(edit).rejects.toMatchObject({ code: 30046, status: 400 });
    fake.clearFaults();
    fake.failRoute({ path: messagesPath, status: 403, code: 50001, message: 'Missing Access', times: 1 });
    await expect(channel.send({ content: 'x' })).rejects.toMatchObject({ code: 50001, status: 403 });
    await expect(channel.send({ content: 'y' })).resolves.toBeDefined();
  });

  // Outside jest, @discordjs/rest retries both (checked with a plain node script). Inside jest it cannot: its
  // `error instanceof Error` test fails for errors made by Node core in another realm (AbortError, ECONNRESET),
  // so the request rejects. These tests pin what the fake does; they do not test the client's retry policy.
  it('hangs a request: no answer until the client times out', async () => {
    fake.hangNext({ path: messagesPath });
    await expect(channel.send({ content: 'hung' })).rejects.toMatchObject({ name: 'AbortError' });
    const [hung] = fake.findCalls((call) => messagesPath.test(call.path));
    expect(hung).toMatchObject({ fault: 'hang', status: 0 });
    await expect(channel.send({ content: 'next' })).resolves.toBeDefined();
  });

  it('resets a connection: the client sees ECONNRESET', async () => {
    fake.dropNext({ path: messagesPath });
    await expect(channel.send({ content: 'reset' })).rejects.toThrow(/ECONNRESET/);
    expect(fake.findCalls((call) => messagesPath.test(call.path))).toEqual([
      expect.objectContaining({ fault: 'drop', status: 0 }),
    ]);
  });
});

describe('FakeDiscord gateway faults', () => {
  let fake: FakeDiscord;
  let client: Client<true> | undefined;

  beforeEach(async () => {
    fake = await startFake();
    client = await readyClient(fake, { ws: noIdentifyThrottle });
  });

  afterEach(async () => {
    await shutdown(fake, client);
    client = undefined;
  });

  const slash = () =>
    fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.bob,
      name: 'kaltura-list',
    });
  const resumes = () => fake.gatewayLog.filter((entry) => entry.direction === 'in' && entry.op === 6);

  it('acknowledges heartbeats', async () => {
    await fake.waitFor(
      () => fake.gatewayLog.some((e) => e.direction === 'out' && e.op === 11),
      3000,
      'a heartbeat ack',
    );
  });

  it('drops the socket; the client RESUMEs, missed dispatches are replayed, the client stays usable', async () => {
    const [before] = fake.sessions();
    expect(fake.dropConnection({ abrupt: true })).toBe(1);
    await fake.waitFor(() => !fake.sessions()[0]?.connected, 2000, 'the drop');
    const missed = nextInteraction(client!);
    const handle = slash(); // buffered while the socket is down
    await fake.waitFor(() => resumes().length === 1, 5000, 'a RESUME');
    const interaction = (await missed) as ChatInputCommandInteraction;
    expect(interaction.id).toBe(handle.id);
    await interaction.reply({ content: 'still here' });
    expect(handle.responses().original?.message.content).toBe('still here');
    expect(fake.sessions()).toEqual([
      expect.objectContaining({ id: before.id, resumes: 1, connected: true }),
    ]);
    expect(resumes()[0].d).toMatchObject({ session_id: before.id });
  });

  it('closes with a resumable code; the client resumes on resume_gateway_url', async () => {
    fake.dropConnection({ code: 4000 });
    await fake.waitFor(() => resumes().length === 1, 5000, 'a RESUME');
    const connects = fake.gatewayLog
      .filter((entry) => entry.direction === 'connect')
      .map((entry) => String(entry.d));
    expect(connects[connects.length - 1]).toMatch(/^\/gateway\/resume\?v=10&encoding=json/);
  });

  it('op 7 RECONNECT: the client reconnects and resumes', async () => {
    fake.requestReconnect();
    await fake.waitFor(
      () => resumes().length === 1 && fake.sessions()[0]?.connected,
      5000,
      'a resumed session',
    );
    const received = nextInteraction(client!);
    slash();
    expect(await received).toBeInstanceOf(ChatInputCommandInteraction);
  });

  it('INVALID_SESSION resumable: the client resumes on the same socket', async () => {
    fake.invalidateSession({ resumable: true });
    await fake.waitFor(() => resumes().length === 1 && fake.sessions()[0]?.resumes === 1, 5000, 'a RESUME');
  });

  it('INVALID_SESSION not resumable: the client identifies a new session', async () => {
    const [before] = fake.sessions();
    fake.invalidateSession({ resumable: false });
    const [after] = await fake.waitFor(
      () => {
        const sessions = fake.sessions();
        return sessions.length === 1 && sessions[0].id !== before.id && sessions;
      },
      5000,
      'a new session',
    );
    expect(after.resumes).toBe(0);
    const received = nextInteraction(client!);
    slash();
    expect(await received).toBeInstanceOf(ChatInputCommandInteraction);
  });
});

describe('FakeDiscord sharding', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];

  beforeEach(async () => {
    fake = await startFake({ recommendedShards: 2 });
  });

  afterEach(async () => {
    await shutdown(fake, ...clients.splice(0));
  });

  it('gives each shard only its guilds and routes interactions to the owning shard', async () => {
    const shard0 = await readyClient(fake, { shards: [0], shardCount: 2 });
    clients.push(shard0);
    const shard1 = await readyClient(fake, { shards: [1], shardCount: 2 });
    clients.push(shard1);
    expect([...shard0.guilds.cache.keys()]).toEqual([world.guildA]);
    expect([...shard1.guilds.cache.keys()]).toEqual([world.guildB]);
    expect(
      (await (
        await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${fake.token}` } })
      ).json()) as unknown,
    ).toMatchObject({ shards: 2 });

    const onShard0 = jest.fn();
    shard0.on(Events.InteractionCreate, onShard0);
    const received = nextInteraction(shard1);
    const handle = fake.sendSlashCommand({
      guildId: world.guildB,
      channelId: world.channelB,
      userId: world.carol,
      name: 'kaltura-help',
    });
    expect(handle.shardId).toBe(1);
    const interaction = (await received) as ChatInputCommandInteraction;
    expect(interaction.guildId).toBe(world.guildB);
    await interaction.reply({ content: 'help' });
    await handle.waitForCallback();
    expect(onShard0).not.toHaveBeenCalled();
  });
});
