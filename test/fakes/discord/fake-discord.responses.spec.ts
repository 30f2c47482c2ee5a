import { once } from 'node:events';
import {
  Events,
  InteractionCallbackResponse,
  MessageFlags,
  type ChatInputCommandInteraction,
  type Client,
  type Guild,
  type Interaction,
} from 'discord.js';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { FakeDiscord } from './fake-discord';
import { fakeSnowflake } from './snowflake';
import { readyClient, shutdown, startFake, world } from './spec-helpers';

const nextInteraction = async (client: Client): Promise<Interaction> =>
  (await once(client, Events.InteractionCreate))[0] as Interaction;

describe('FakeDiscord interaction responses', () => {
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

  const command = async () => {
    const received = nextInteraction(client!);
    const handle = fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.alice,
      name: 'kaltura-start',
    });
    return { handle, interaction: (await received) as ChatInputCommandInteraction };
  };

  it('answers with_response=true with the callback resource and a public message in the channel', async () => {
    const { handle, interaction } = await command();
    const response = await interaction.reply({ content: 'Public meeting', withResponse: true });
    expect(response).toBeInstanceOf(InteractionCallbackResponse);
    expect(response.resource?.message?.content).toBe('Public meeting');
    expect(response.interaction.responseMessageId).toBe(response.resource?.message?.id);
    const original = handle.responses().original!;
    expect(original.message).toMatchObject({
      type: 20,
      webhook_id: fake.applicationId,
      interaction_metadata: {
        id: handle.id,
        user: { id: world.alice },
        authorizing_integration_owners: { '0': world.guildA },
      },
    });
    expect(fake.channelMessages(world.channelA).map((m) => m.message.content)).toEqual(['Public meeting']);
  });

  it('serves @original under both spellings and records multipart uploads', async () => {
    const { handle, interaction } = await command();
    await interaction.deferReply();
    await interaction.editReply({
      content: 'with a file',
      files: [{ attachment: Buffer.from('hello'), name: 'a.txt' }],
    });
    const patch = fake.findCalls(
      (call) => call.route === 'PATCH /webhooks/:app/:token/messages/@original',
    )[0];
    expect(patch.files).toEqual([expect.objectContaining({ filename: 'a.txt', size: 5 })]);
    expect(patch.body).toMatchObject({ content: 'with a file' });
    expect(handle.responses().original?.message.attachments).toEqual([
      expect.objectContaining({ filename: 'a.txt', size: 5 }),
    ]);

    const encoded = `${fake.apiUrl}/v10/webhooks/${fake.applicationId}/${handle.token}/messages/%40original`;
    const fetched = (await (await fetch(encoded)).json()) as { content: string };
    expect(fetched.content).toBe('with a file');
    expect(fake.calls[fake.calls.length - 1]).toMatchObject({
      path: `/webhooks/${fake.applicationId}/${handle.token}/messages/@original`,
      route: 'GET /webhooks/:app/:token/messages/@original',
    });
  });

  it('refuses a second acknowledgement (40060) and an expired token (10062 / 50027)', async () => {
    const { handle, interaction } = await command();
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const url = `${fake.apiUrl}/v10/interactions/${handle.id}/${handle.token}/callback`;
    const again = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: 'x' },
      }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: 40060 });

    handle.expire();
    await expect(interaction.editReply({ content: 'too late' })).rejects.toMatchObject({
      code: 50027,
      status: 401,
    });
    const late = await command();
    late.handle.expire();
    await expect(late.interaction.reply({ content: 'late' })).rejects.toMatchObject({ code: 10062 });
  });

  it('waits for later edits through the handle', async () => {
    const { handle, interaction } = await command();
    await interaction.deferReply();
    setTimeout(() => void interaction.editReply({ content: 'done later' }), 50);
    const responses = await handle.waitFor(
      (r) => r.original?.message.content === 'done later',
      2000,
      'the edit',
    );
    expect(responses.edits).toHaveLength(1);
    await expect(handle.waitFor(() => false, 50, 'never')).rejects.toThrow(
      /timed out after 50 ms waiting for never/,
    );
  });
});

describe('FakeDiscord state changes while connected', () => {
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

  it('dispatches GUILD_CREATE for a guild added at runtime', async () => {
    const joined = once(client!, Events.GuildCreate);
    const guildId = fakeSnowflake();
    fake.addGuild({ id: guildId, name: 'Late Guild', channels: [{ id: fakeSnowflake(), name: 'late' }] });
    const [guild] = (await joined) as [Guild];
    expect(guild.name).toBe('Late Guild');
  });

  it('answers member requests (REST and gateway op 8) and sees member updates', async () => {
    const guild = client!.guilds.cache.get(world.guildA)!;
    const bob = await guild.members.fetch(world.bob); // REST
    expect(bob.roles.cache.has(world.memberRole)).toBe(true);
    const some = await guild.members.fetch({ user: [world.alice, world.owner] }); // gateway op 8
    expect([...some.keys()].sort()).toEqual([world.alice, world.owner].sort());

    fake.upsertMember(world.guildA, { userId: world.bob, username: 'bob', roles: [world.adminRole] });
    const received = nextInteraction(client!);
    fake.sendSlashCommand({ guildId: world.guildA, channelId: world.channelA, userId: world.bob, name: 'x' });
    const interaction = (await received) as ChatInputCommandInteraction;
    expect(interaction.inCachedGuild() && interaction.member.roles.cache.has(world.adminRole)).toBe(true);
  });
});
