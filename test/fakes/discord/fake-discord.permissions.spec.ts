import { once } from 'node:events';
import {
  ChannelType,
  Events,
  OverwriteType,
  PermissionFlagsBits,
  REST,
  Routes,
  type ChatInputCommandInteraction,
  type Client,
  type GuildBasedChannel,
} from 'discord.js';
import type { FakeDiscord } from './fake-discord';
import { fakeSnowflake } from './snowflake';
import { readyClient, shutdown, startFake, world } from './spec-helpers';

/**
 * The fake's multi-guild permission model (issue 17 item 10): channel types, one guild per channel, permission
 * overwrites computed as Discord documents, `app_permissions` / `member.permissions` from them, 50001 / 50013 /
 * 50008 / 10003 on posts, threads with Send Messages in Threads.
 */
const { ViewChannel, SendMessages, SendMessagesInThreads, ReadMessageHistory, Administrator } =
  PermissionFlagsBits;

const ids = {
  hidden: fakeSnowflake(),
  readOnly: fakeSnowflake(),
  category: fakeSnowflake(),
  forum: fakeSnowflake(),
  thread: fakeSnowflake(),
  threadNoSend: fakeSnowflake(),
  roleAllowed: fakeSnowflake(),
};

describe('FakeDiscord permissions, channel types and threads', () => {
  let fake: FakeDiscord;
  let client: Client<true> | undefined;
  let rest: REST;

  const post = (channelId: string) =>
    rest.post(Routes.channelMessages(channelId), { body: { content: 'hello' } }).then(
      () => ({ ok: true as const }),
      (err: { status?: number; code?: number }) => ({ status: err.status, code: err.code }),
    );

  beforeAll(async () => {
    fake = await startFake();
    const w = world;
    fake.addChannel(w.guildA, { id: ids.category, name: 'Meetings', type: ChannelType.GuildCategory });
    fake.addChannel(w.guildA, { id: ids.forum, name: 'forum', type: ChannelType.GuildForum });
    fake.addChannel(w.guildA, {
      id: ids.hidden,
      name: 'staff',
      permissionOverwrites: [{ id: w.guildA, deny: ViewChannel }],
    });
    fake.addChannel(w.guildA, {
      id: ids.readOnly,
      name: 'announcements-ro',
      permissionOverwrites: [
        { id: w.guildA, deny: SendMessages },
        { id: w.memberRole, allow: SendMessages },
      ],
    });
    fake.addChannel(w.guildA, {
      id: ids.thread,
      name: 'a thread',
      type: ChannelType.PublicThread,
      parentId: w.channelA,
    });
    client = await readyClient(fake);
    rest = new REST({ api: fake.apiUrl, version: '10', retries: 0 }).setToken(fake.token);
  });

  afterAll(async () => {
    rest?.clearHashSweeper();
    rest?.clearHandlerSweeper();
    await shutdown(fake, client);
  });

  it('computes overwrites as Discord documents: @everyone, then roles (deny, then allow), then the member', () => {
    // The bot has @everyone only: denied Send in the read-only channel, hidden channel invisible (so: nothing).
    expect(fake.botPermissionsIn(world.channelA) & SendMessages).toBe(SendMessages);
    expect(fake.botPermissionsIn(ids.readOnly) & SendMessages).toBe(0n);
    expect(fake.botPermissionsIn(ids.hidden)).toBe(0n);
    // A member overwrite beats a role overwrite.
    fake.setChannelOverwrites(ids.readOnly, [
      { id: world.guildA, deny: SendMessages },
      { id: fake.botUser.id, type: OverwriteType.Member, allow: SendMessages },
    ]);
    expect(fake.botPermissionsIn(ids.readOnly) & SendMessages).toBe(SendMessages);
    fake.setChannelOverwrites(ids.readOnly, [
      { id: world.guildA, deny: SendMessages },
      { id: world.memberRole, allow: SendMessages },
    ]);
  });

  it('refuses posts as Discord does: 50001 unseen, 50013 no Send Messages, 50008 non-text, 10003 unknown', async () => {
    expect(await post(world.channelA)).toEqual({ ok: true });
    expect(await post(ids.hidden)).toEqual({ status: 403, code: 50001 });
    expect(await post(ids.readOnly)).toEqual({ status: 403, code: 50013 });
    expect(await post(ids.category)).toEqual({ status: 400, code: 50008 });
    expect(await post(ids.forum)).toEqual({ status: 400, code: 50008 });
    expect(await post(fakeSnowflake())).toEqual({ status: 404, code: 10003 });
    // Reading a channel the bot cannot see is refused too (GET /channels/{id}).
    await expect(rest.get(Routes.channel(ids.hidden))).rejects.toMatchObject({ status: 403, code: 50001 });
    expect(fake.channelMessages(ids.hidden)).toEqual([]);
    expect(fake.channelMessages(ids.readOnly)).toEqual([]);
  });

  it('GET /channels/{id} names the owning guild and carries the overwrites; a channel id is in one guild only', async () => {
    const channel = (await rest.get(Routes.channel(ids.readOnly))) as {
      guild_id: string;
      permission_overwrites: Array<{ id: string; deny: string }>;
    };
    expect(channel.guild_id).toBe(world.guildA);
    expect(channel.permission_overwrites).toContainEqual(
      expect.objectContaining({ id: world.guildA, deny: SendMessages.toString() }),
    );
    expect(((await rest.get(Routes.channel(world.channelB))) as { guild_id: string }).guild_id).toBe(
      world.guildB,
    );
    expect(() => fake.addChannel(world.guildB, { id: world.channelA, name: 'stolen' })).toThrow(
      /already belongs/,
    );
  });

  it('threads use the parent overwrites and need Send Messages in Threads, not Send Messages', async () => {
    expect(await post(ids.thread)).toEqual({ status: 403, code: 50013 });
    fake.setChannelOverwrites(world.channelA, [{ id: world.guildA, allow: SendMessagesInThreads }]);
    expect(await post(ids.thread)).toEqual({ ok: true });
    fake.addChannel(world.guildA, {
      id: ids.threadNoSend,
      name: 'hidden thread',
      type: ChannelType.PrivateThread,
      parentId: ids.hidden,
    });
    expect(await post(ids.threadNoSend)).toEqual({ status: 403, code: 50001 });
    // Threads are not in the guild channel list (resources/guild: "does not include threads").
    const listed = (await rest.get(Routes.guildChannels(world.guildA))) as Array<{ id: string }>;
    expect(listed.map((c) => c.id)).not.toContain(ids.thread);
  });

  it('a real discord.js cache sees types, overwrites and threads, and computes the same permissions', async () => {
    const c = client!;
    await fake.waitFor(() => c.guilds.cache.get(world.guildA)?.channels.cache.has(ids.threadNoSend));
    const guild = c.guilds.cache.get(world.guildA)!;
    const me = guild.members.me!;
    const permsIn = (id: string) => (guild.channels.cache.get(id) as GuildBasedChannel).permissionsFor(me)!;
    expect(guild.channels.cache.get(ids.category)?.type).toBe(ChannelType.GuildCategory);
    expect(guild.channels.cache.get(ids.thread)?.isThread()).toBe(true);
    // discord.js leaves implicit denials out of the bit field (no View Channel → Send shows but counts for
    // nothing), so compare what matters: can the bot see, and can it post.
    const canPost = (bits: bigint, thread: boolean) =>
      (bits & ViewChannel) !== 0n && (bits & (thread ? SendMessagesInThreads : SendMessages)) !== 0n;
    for (const id of [world.channelA, ids.readOnly, ids.hidden, ids.thread, ids.threadNoSend]) {
      const thread = id === ids.thread || id === ids.threadNoSend;
      const seen = permsIn(id).bitfield;
      const truth = fake.botPermissionsIn(id);
      expect({ id, view: (seen & ViewChannel) !== 0n, post: canPost(seen, thread) }).toEqual({
        id,
        view: (truth & ViewChannel) !== 0n,
        post: canPost(truth, thread),
      });
    }
  });

  it('interactions carry app_permissions and member.permissions computed in their channel', async () => {
    const c = client!;
    const received = once(c, Events.InteractionCreate);
    // Discord delivers only commands the application registered.
    fake.registerCommands([{ name: 'ping', description: 'Ping' }]);
    fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: ids.readOnly,
      userId: world.bob,
      name: 'ping',
    });
    const [interaction] = (await received) as [ChatInputCommandInteraction];
    expect(interaction.appPermissions.has(SendMessages)).toBe(false);
    expect(interaction.appPermissions.has(ViewChannel)).toBe(true);
    // Bob has the Members role, whose overwrite allows Send Messages there.
    expect(interaction.memberPermissions?.has(SendMessages)).toBe(true);
    expect(interaction.memberPermissions?.has(ReadMessageHistory)).toBe(true);
    await interaction.reply({ content: 'ok' });
  });

  it('Administrator bypasses every overwrite', async () => {
    const adminChannel = fakeSnowflake();
    const guildId = fakeSnowflake();
    fake.addGuild({
      id: guildId,
      name: 'Admin bot guild 2',
      roles: [{ id: ids.roleAllowed, name: 'Bot', permissions: Administrator }],
      botRoles: [ids.roleAllowed],
      channels: [
        { id: adminChannel, name: 'locked', permissionOverwrites: [{ id: guildId, deny: ViewChannel }] },
      ],
    });
    expect(await post(adminChannel)).toEqual({ ok: true });
  });
});
