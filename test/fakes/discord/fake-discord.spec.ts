import { once } from 'node:events';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  AutocompleteInteraction,
  ButtonBuilder,
  ButtonInteraction,
  ButtonStyle,
  ChatInputCommandInteraction,
  Events,
  MessageFlags,
  PermissionFlagsBits,
  type ApplicationCommandOptionData,
  type Client,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { FakeDiscord } from './fake-discord';
import { readyClient, shutdown, startFake, world } from './spec-helpers';

const nextInteraction = async (client: Client): Promise<Interaction> =>
  (await once(client, Events.InteractionCreate))[0] as Interaction;

describe('FakeDiscord with a real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client<true> | undefined;

  beforeEach(async () => {
    fake = await startFake();
    client = await readyClient(fake);
  });

  afterEach(async () => {
    await shutdown(fake, client);
    client = undefined;
  });

  it('logs in: READY then GUILD_CREATE fill the cache with guilds, channels and roles', async () => {
    const c = client!;
    expect(c.user.id).toBe(fake.botUser.id);
    expect(c.application.id).toBe(fake.applicationId);
    expect([...c.guilds.cache.keys()].sort()).toEqual([world.guildA, world.guildB].sort());
    const guild = c.guilds.cache.get(world.guildA)!;
    expect(guild.channels.cache.get(world.channelA)?.name).toBe('general');
    expect(guild.roles.cache.get(world.adminRole)?.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(
      true,
    );
    // Guilds intent only: like Discord, GUILD_CREATE carries the bot's own member, not the member list.
    expect(guild.members.me?.id).toBe(fake.botUser.id);
    expect(guild.members.cache.has(world.alice)).toBe(false);
    expect(fake.findCalls((call) => call.route === 'GET /gateway/bot')).toHaveLength(1);
    expect(fake.sessions()).toEqual([expect.objectContaining({ shard: [0, 1], connected: true })]);
  });

  it('registers commands and uses their option types for dispatched slash commands', async () => {
    const c = client!;
    await c.application.commands.set(
      [
        {
          name: 'kaltura-join',
          description: 'Join a meeting',
          options: [
            {
              name: 'meeting-id',
              description: 'Meeting',
              type: ApplicationCommandOptionType.String,
              required: true,
            },
            { name: 'guest', description: 'Someone to invite', type: ApplicationCommandOptionType.User },
          ],
        },
      ],
      world.guildA,
    );
    const [registered] = fake.commands(world.guildA);
    expect(registered).toMatchObject({
      name: 'kaltura-join',
      guild_id: world.guildA,
      application_id: fake.applicationId,
    });
    expect(registered.id).toMatch(/^\d{17,19}$/);

    const received = nextInteraction(c);
    fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.alice,
      name: 'kaltura-join',
      options: { 'meeting-id': 'm-1', guest: world.bob },
    });
    const interaction = (await received) as ChatInputCommandInteraction;
    expect(interaction.commandId).toBe(registered.id);
    expect(interaction.options.getUser('guest')?.username).toBe('bob');
  });

  it('rejects commands Discord would reject (required after optional)', async () => {
    const c = client!;
    const options: ApplicationCommandOptionData[] = [
      { name: 'b', description: 'b', type: ApplicationCommandOptionType.String },
      { name: 'a', description: 'a', type: ApplicationCommandOptionType.String, required: true },
    ];
    await expect(
      c.application.commands.set([{ name: 'bad', description: 'bad', options }]),
    ).rejects.toMatchObject({ code: 50035 });
  });

  it('delivers a slash command with options, roles and permissions; records defer + editReply', async () => {
    const c = client!;
    const received = nextInteraction(c);
    const handle = fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.alice,
      name: 'kaltura-start',
      options: { type: 'meeting', title: 'Standup', duration: 30 },
    });
    const interaction = await received;
    expect(interaction).toBeInstanceOf(ChatInputCommandInteraction);
    const command = interaction as ChatInputCommandInteraction;
    expect(command.commandName).toBe('kaltura-start');
    expect(command.options.getString('title', true)).toBe('Standup');
    expect(command.options.getInteger('duration')).toBe(30);
    expect(command.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(command.memberPermissions?.has(PermissionFlagsBits.Administrator)).toBe(false);
    expect(command.inCachedGuild() && command.member.roles.cache.has(world.adminRole)).toBe(true);
    expect(command.channel?.id).toBe(world.channelA);
    expect(command.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(true);

    await command.deferReply({ flags: MessageFlags.Ephemeral });
    const callback = await handle.callback;
    expect(callback.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.elapsedMs).toBeLessThan(3000);

    const reply = await command.editReply({ content: 'Meeting created', allowedMentions: { parse: [] } });
    expect(reply.content).toBe('Meeting created');
    const responses = handle.responses();
    expect(responses.original).toMatchObject({ ephemeral: true, allowedMentions: { parse: [] } });
    expect(responses.original?.message).toMatchObject({
      content: 'Meeting created',
      flags: MessageFlags.Ephemeral,
      edited_timestamp: null,
    });
    expect(responses.edits).toEqual([expect.objectContaining({ method: 'PATCH', target: '@original' })]);
    expect(fake.channelMessages(world.channelA)).toHaveLength(0); // ephemeral: not in the channel

    const followUp = await command.followUp({ content: 'And one more thing' });
    expect(followUp.content).toBe('And one more thing');
    const after = fake.interactionResponses(handle.id);
    expect(after.followups.map((f) => f.message.content)).toEqual(['And one more thing']);
    expect(fake.findCalls((call) => call.route === 'POST /webhooks/:app/:token')[0]?.query).toEqual({
      wait: 'true',
    });
  });

  it('gives a viewer only what its roles grant', async () => {
    const received = nextInteraction(client!);
    fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.bob,
      name: 'kaltura-list',
    });
    const interaction = (await received) as ChatInputCommandInteraction;
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(false);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.SendMessages)).toBe(true);
  });

  it('delivers a button click on a stored message and records an update', async () => {
    const c = client!;
    const channel = c.channels.cache.get(world.channelA) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('meeting/join/m-1').setLabel('Join').setStyle(ButtonStyle.Primary),
    );
    const sent = await channel.send({ content: 'Standup', components: [row] });
    expect(fake.channelMessages(world.channelA).map((m) => m.message.id)).toEqual([sent.id]);

    const received = nextInteraction(c);
    const handle = fake.clickButton({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.bob,
      customId: 'meeting/join/m-1',
      messageId: sent.id,
    });
    const interaction = await received;
    expect(interaction).toBeInstanceOf(ButtonInteraction);
    const button = interaction as ButtonInteraction;
    expect(button.customId).toBe('meeting/join/m-1');
    expect(button.message.id).toBe(sent.id);

    await button.update({ content: 'Standup (ended)', components: [] });
    expect((await handle.callback).type).toBe(InteractionResponseType.UpdateMessage);
    expect(fake.message(sent.id)?.message).toMatchObject({ content: 'Standup (ended)', components: [] });
    expect(() =>
      fake.clickButton({
        guildId: world.guildA,
        channelId: world.channelA,
        userId: world.bob,
        customId: 'nope',
        messageId: sent.id,
      }),
    ).toThrow(/no component/);
  });

  it('delivers autocomplete with the focused option and records the choices', async () => {
    const received = nextInteraction(client!);
    const handle = fake.sendAutocomplete({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.bob,
      name: 'kaltura-join',
      options: { 'meeting-id': 'sta' },
      focused: 'meeting-id',
    });
    const interaction = await received;
    expect(interaction).toBeInstanceOf(AutocompleteInteraction);
    const autocomplete = interaction as AutocompleteInteraction;
    expect(autocomplete.options.getFocused(true)).toMatchObject({ name: 'meeting-id', value: 'sta' });
    await autocomplete.respond([{ name: 'Standup', value: 'm-1' }]);
    await handle.waitForCallback();
    expect(handle.responses().autocompleteChoices).toEqual([{ name: 'Standup', value: 'm-1' }]);
  });

  it('stores channel messages: edits, allowed_mentions and the mentions that actually ping', async () => {
    const channel = client!.channels.cache.get(world.channelA) as TextChannel;
    const text = `<@${world.alice}> <@&${world.adminRole}> @everyone`;
    const neutral = await channel.send({ content: text, allowedMentions: { parse: [] } });
    expect(fake.message(neutral.id)).toMatchObject({
      allowedMentions: { parse: [] },
      message: { mentions: [], mention_roles: [], mention_everyone: false },
    });
    const loud = await channel.send({ content: text });
    expect(fake.message(loud.id)?.message).toMatchObject({
      mentions: [expect.objectContaining({ id: world.alice })],
      mention_roles: [world.adminRole],
      mention_everyone: true,
    });

    const edited = await neutral.edit({ content: 'edited' });
    expect(edited.editedTimestamp).not.toBeNull();
    expect(fake.message(neutral.id)?.edits).toHaveLength(1);
    await loud.delete();
    expect(fake.channelMessages(world.channelA).map((m) => m.message.id)).toEqual([neutral.id]);
    await expect(channel.send({ content: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 50035 });
    const fetched = await channel.messages.fetch({ message: neutral.id, force: true });
    expect(fetched.content).toBe('edited');
  });

  it('answers 401 to a wrong bot token and records every call with its route', async () => {
    const response = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { Authorization: 'Bot wrong' } });
    expect(response.status).toBe(401);
    const call = await fake.waitForCall((c) => c.path === '/users/@me' && c.status === 401);
    expect(call).toMatchObject({
      method: 'GET',
      route: 'GET /users/@me',
      headers: { authorization: 'Bot wrong' },
    });
  });
});

describe('FakeDiscord OAuth2', () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await startFake({
      oauthCodes: [{ code: 'good-code', userId: world.alice, redirectUri: 'http://localhost/cb' }],
    });
  });
  afterEach(() => fake.stop());

  const exchange = (code: string) =>
    fetch(`${fake.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://localhost/cb',
        client_id: fake.applicationId,
        client_secret: fake.clientSecret,
      }),
    });

  it('exchanges a valid code for a bearer token that reads the user and its membership', async () => {
    const response = await exchange('good-code');
    expect(response.status).toBe(200);
    const token = (await response.json()) as { access_token: string; token_type: string; scope: string };
    expect(token).toMatchObject({ token_type: 'Bearer', scope: 'identify guilds.members.read' });
    const auth = { Authorization: `Bearer ${token.access_token}` };
    const me = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: auth });
    expect(await me.json()).toMatchObject({ id: world.alice, username: 'alice' });
    const member = await fetch(`${fake.apiUrl}/v10/users/@me/guilds/${world.guildA}/member`, {
      headers: auth,
    });
    expect(await member.json()).toMatchObject({
      roles: [world.adminRole, world.memberRole],
      user: { id: world.alice },
    });
    expect(
      (await fetch(`${fake.apiUrl}/v10/users/@me/guilds/${world.guildB}/member`, { headers: auth })).status,
    ).toBe(404);
    expect((await exchange('good-code')).status).toBe(400); // single use
  });

  it('refuses a bad code with invalid_grant', async () => {
    const response = await exchange('bad-code');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
