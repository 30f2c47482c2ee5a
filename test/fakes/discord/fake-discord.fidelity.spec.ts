import { once } from 'node:events';
import {
  DiscordAPIError,
  Events,
  MessageFlags,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
} from 'discord.js';
import { ComponentType, InteractionResponseType } from 'discord-api-types/v10';
import { FakeDiscord } from './fake-discord';
import { ROUTE_SCHEMAS, specSchemas } from './spec-schemas';
import { readyClient, shutdown, startFake, world } from './spec-helpers';
import type { FakeDiscordOptions } from './types';

const nextInteraction = async <T extends Interaction>(client: Client): Promise<T> =>
  (await once(client, Events.InteractionCreate))[0] as T;

/** Defaults that make Discord's rules hold without any option (issue 26, "A faithful fake"). */
describe('FakeDiscord fidelity (defaults)', () => {
  let fake: FakeDiscord;
  let client: Client<true> | undefined;

  const boot = async (extra: FakeDiscordOptions = {}) => {
    fake = await startFake(extra);
    client = await readyClient(fake);
  };
  afterEach(async () => {
    await shutdown(fake, client);
    client = undefined;
  });

  const slash = async (createdAgoMs = 0) => {
    const received = nextInteraction<ChatInputCommandInteraction>(client!);
    const handle = fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.alice,
      name: 'kaltura-start',
      createdAgoMs,
    });
    return { handle, interaction: await received };
  };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.apiUrl}/v10${path}`, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bot ${fake.token}`, ...init.headers },
    });
  const callback = (handle: { id: string; token: string }, body: unknown) =>
    api(`/interactions/${handle.id}/${handle.token}/callback`, {
      method: 'POST',
      body: JSON.stringify(body),
    });

  it('refuses a first answer later than 3 s after the interaction was created (10062)', async () => {
    await boot();
    const { interaction } = await slash(3100);
    await expect(interaction.deferReply()).rejects.toMatchObject({ code: 10062, status: 404 });
  });

  it('refuses webhook edits once the interaction token has expired (401 / 50027), 15 min by default', async () => {
    expect(new FakeDiscord().state.settings.interactionTokenLifetimeMs).toBe(15 * 60_000);
    await boot({ interactionTokenLifetimeMs: 2500 });
    const { interaction } = await slash(2600); // still within 3 s, already past this token's lifetime
    await interaction.deferReply();
    await expect(interaction.editReply({ content: 'late' })).rejects.toMatchObject({
      code: 50027,
      status: 401,
    });
  });

  it('turns the first followup after a deferred reply into an edit of that reply (ephemeral kept)', async () => {
    await boot();
    const { handle, interaction } = await slash();
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const edited = await interaction.followUp({ content: 'public?' });
    const after = handle.responses();
    expect(after.followups).toHaveLength(0);
    expect(edited.id).toBe(after.original?.message.id);
    expect(after.original).toMatchObject({ ephemeral: true, message: { content: 'public?' } });
    expect(after.edits).toEqual([expect.objectContaining({ target: '@original', viaFollowup: true })]);
    await interaction.followUp({ content: 'second' });
    expect(handle.responses().followups.map((f) => f.message.content)).toEqual(['second']);
  });

  it('counts lengths in code points, as Discord does', async () => {
    await boot();
    const received = nextInteraction<AutocompleteInteraction>(client!);
    const handle = fake.sendAutocomplete({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.alice,
      name: 'kaltura-join',
      options: { 'meeting-id': '' },
      focused: 'meeting-id',
    });
    await received;
    const tooLong = await callback(handle, {
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: '🎓'.repeat(101), value: 'x' }] },
    });
    expect(tooLong.status).toBe(400);
    const fits = await callback(handle, {
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: '🎓'.repeat(100), value: 'x' }] }, // 200 UTF-16 units
    });
    expect(fits.status).toBe(204);
    const post = await api(`/channels/${world.channelA}/messages`, {
      method: 'POST',
      body: JSON.stringify({ content: '🎓'.repeat(2000) }),
    });
    expect(post.status).toBe(200);
  });

  it('refuses callback types that do not answer the interaction type', async () => {
    await boot();
    const received = nextInteraction<AutocompleteInteraction>(client!);
    const auto = fake.sendAutocomplete({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.alice,
      name: 'kaltura-join',
      options: { 'meeting-id': '' },
      focused: 'meeting-id',
    });
    await received;
    for (const type of [1, 4, 5, 6, 7, 9, 12]) {
      const refused = await callback(auto, { type, data: { content: 'x' } });
      expect([type, refused.status]).toEqual([type, 400]);
    }
    const { handle } = await slash();
    expect((await callback(handle, { type: InteractionResponseType.UpdateMessage, data: {} })).status).toBe(
      400,
    );
    expect((await callback(handle, { type: InteractionResponseType.Pong })).status).toBe(400);
    const v2Defer = await callback(handle, {
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.IsComponentsV2 },
    });
    expect(v2Defer.status).toBe(400);
    expect(await v2Defer.json()).toMatchObject({ code: 50035 });
    expect(handle.responses().callback).toBeNull();
  });

  it('applies Components V2 rules: no content, at most 40 components, the flag stays', async () => {
    await boot();
    const channel = `/channels/${world.channelA}/messages`;
    const text = (content: string) => ({ type: ComponentType.TextDisplay, content });
    const post = (body: unknown) => api(channel, { method: 'POST', body: JSON.stringify(body) });
    expect(
      (await post({ flags: MessageFlags.IsComponentsV2, content: 'no', components: [text('a')] })).status,
    ).toBe(400);
    expect((await post({ components: [text('needs the flag')] })).status).toBe(400);
    const many = Array.from({ length: 41 }, (_, i) => text(`t${i}`));
    expect((await post({ flags: MessageFlags.IsComponentsV2, components: many })).status).toBe(400);
    const ok = await post({ flags: MessageFlags.IsComponentsV2, components: [text('fine')] });
    expect(ok.status).toBe(200);
    const { id } = (await ok.json()) as { id: string };
    const edit = (body: unknown) => api(`${channel}/${id}`, { method: 'PATCH', body: JSON.stringify(body) });
    expect((await edit({ flags: 0, content: 'back to v1' })).status).toBe(400);
    expect((await edit({ content: 'still v2' })).status).toBe(400);
    expect((await edit({ components: [text('edited')] })).status).toBe(200);
  });

  it('sends X-RateLimit headers and applies the global 50/s, interaction routes excluded', async () => {
    await boot();
    const plain = await api('/users/@me');
    expect(Object.fromEntries([...plain.headers].filter(([k]) => k.startsWith('x-ratelimit')))).toEqual({
      'x-ratelimit-limit': expect.any(String),
      'x-ratelimit-remaining': expect.any(String),
      'x-ratelimit-reset': expect.stringMatching(/^\d+\.\d{3}$/),
      'x-ratelimit-reset-after': expect.stringMatching(/^\d+\.\d{3}$/),
      'x-ratelimit-bucket': expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    const { handle } = await slash();
    fake.clearCalls();
    const burst = await Promise.all(Array.from({ length: 51 }, () => api('/users/@me')));
    // The login's own requests may share this second: at most 50 pass, the rest are global 429s.
    const limited = burst.filter((r) => r.status === 429);
    expect(burst.filter((r) => r.status === 200).length).toBeLessThanOrEqual(50);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0].headers.get('x-ratelimit-global')).toBe('true');
    expect(await limited[0].json()).toMatchObject({ global: true, retry_after: expect.any(Number) });
    // Still inside the exhausted second: the interaction callback is not bound to the global limit.
    const answered = await callback(handle, {
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
    expect(answered.status).toBe(204);
  });

  it('refuses to dispatch a command the application has not registered', async () => {
    await boot();
    expect(() =>
      fake.sendSlashCommand({
        guildId: world.guildA,
        channelId: world.channelA,
        userId: world.alice,
        name: 'never-registered',
      }),
    ).toThrow(/not registered/);
    fake.registerCommands([{ name: 'guild-only', description: 'Guild B only' }], world.guildB);
    expect(() =>
      fake.sendSlashCommand({
        guildId: world.guildA,
        channelId: world.channelA,
        userId: world.alice,
        name: 'guild-only',
      }),
    ).toThrow(/not registered/);
  });

  it('checks request bodies against discord-api-spec (400 / 50035 with an errors tree)', async () => {
    await boot();
    const schemas = specSchemas();
    for (const route of Object.keys(ROUTE_SCHEMAS)) expect(route).toMatch(/^(POST|PUT|PATCH) \//);
    expect(schemas.MessageCreateRequestSchema).toBeDefined();
    const response = await api(`/channels/${world.channelA}/messages`, {
      method: 'POST',
      body: JSON.stringify({ content: 'x', embeds: [{ title: 5 }], allowed_mentions: { parse: ['nobody'] } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        embeds: { 0: { title: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_BAD_TYPE' })] } } },
        allowed_mentions: {
          parse: { 0: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_CHOICES' })] } },
        },
      },
    });
    const channel = client!.channels.cache.get(world.channelA);
    await expect(
      channel?.isSendable() && channel.send({ content: 'fine', allowedMentions: { parse: [] } }),
    ).resolves.toMatchObject({ content: 'fine' });
    await expect(
      client!.rest.post(`/channels/${world.channelA}/messages`, { body: { content: 'x', tts: 'yes' } }),
    ).rejects.toBeInstanceOf(DiscordAPIError);
  });
});

describe('FakeDiscord OAuth2 redirect_uri', () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await startFake({
      oauthCodes: [
        { code: 'with-redirect', userId: world.alice, redirectUri: 'http://localhost/cb' },
        { code: 'no-redirect', userId: world.alice },
      ],
    });
  });
  afterEach(() => fake.stop());

  const exchange = (code: string, redirectUri?: string) =>
    fetch(`${fake.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: fake.applicationId,
        client_secret: fake.clientSecret,
        ...(redirectUri ? { redirect_uri: redirectUri } : {}),
      }),
    });

  it('requires the redirect_uri the authorization used, and none when it used none', async () => {
    expect((await exchange('with-redirect')).status).toBe(400);
    expect((await exchange('with-redirect', 'http://localhost/other')).status).toBe(400);
    expect((await exchange('no-redirect', 'http://localhost/cb')).status).toBe(400);
    expect((await exchange('with-redirect', 'http://localhost/cb')).status).toBe(200);
    expect((await exchange('no-redirect')).status).toBe(200);
  });
});
