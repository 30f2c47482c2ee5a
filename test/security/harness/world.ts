import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { fakeSnowflake, snowflakeForShard, type FakeDiscordOptions } from '../../fakes/discord';

/**
 * The two tenants every attack runs between: guild A (the attacker's home, where they are a member or an admin)
 * and guild B (the victim). Channels of A cover every type and permission shape the channel check must judge.
 */
export const securityWorld = (() => {
  const guildA = snowflakeForShard(0, 1);
  const guildB = snowflakeForShard(0, 1);
  return {
    guildA,
    guildB,
    channels: {
      /** A's text channel where everything is allowed: the legitimate target. */
      aText: fakeSnowflake(),
      /** A second usable text channel of A (routing target). */
      aNotify: fakeSnowflake(),
      aVoice: fakeSnowflake(),
      aCategory: fakeSnowflake(),
      aForum: fakeSnowflake(),
      /** Text channel of A where `@everyone` (so the bot) is denied Send Messages. */
      aReadOnly: fakeSnowflake(),
      /** Text channel of A the bot cannot see. */
      aHidden: fakeSnowflake(),
      /** Public thread in `aText`: the bot has Send Messages but not Send Messages in Threads. */
      aThread: fakeSnowflake(),
      bText: fakeSnowflake(),
      bSecret: fakeSnowflake(),
    },
    roles: { adminA: fakeSnowflake(), adminB: fakeSnowflake() },
    users: {
      ownerA: fakeSnowflake(),
      adminA: fakeSnowflake(),
      memberA: fakeSnowflake(),
      ownerB: fakeSnowflake(),
      adminB: fakeSnowflake(),
      /** Admins the harness itself reads with (invariants, config reloads), so attackers' API budgets stay theirs. */
      watchA: fakeSnowflake(),
      watchB: fakeSnowflake(),
    },
  };
})();
export type SecurityWorld = typeof securityWorld;

/** Fake Discord options: guilds A and B as above, Manage Server giving the admin role. */
export function securityDiscordOptions(): FakeDiscordOptions {
  const w = securityWorld;
  const c = w.channels;
  return {
    heartbeatIntervalMs: 1000,
    guilds: [
      {
        id: w.guildA,
        name: 'Guild A',
        ownerId: w.users.ownerA,
        channels: [
          { id: c.aText, name: 'a-meetings' },
          { id: c.aNotify, name: 'a-notify' },
          { id: c.aVoice, name: 'a-voice', type: ChannelType.GuildVoice },
          { id: c.aCategory, name: 'a-category', type: ChannelType.GuildCategory },
          { id: c.aForum, name: 'a-forum', type: ChannelType.GuildForum },
          {
            id: c.aReadOnly,
            name: 'a-read-only',
            permissionOverwrites: [{ id: w.guildA, deny: PermissionFlagsBits.SendMessages }],
          },
          {
            id: c.aHidden,
            name: 'a-hidden',
            permissionOverwrites: [{ id: w.guildA, deny: PermissionFlagsBits.ViewChannel }],
          },
          { id: c.aThread, name: 'a-thread', type: ChannelType.PublicThread, parentId: c.aText },
        ],
        roles: [{ id: w.roles.adminA, name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
        members: [
          { userId: w.users.ownerA, username: 'owner-a' },
          { userId: w.users.adminA, username: 'admin-a', roles: [w.roles.adminA] },
          { userId: w.users.memberA, username: 'member-a' },
          { userId: w.users.watchA, username: 'watch-a', roles: [w.roles.adminA] },
        ],
      },
      {
        id: w.guildB,
        name: 'Guild B',
        ownerId: w.users.ownerB,
        channels: [
          { id: c.bText, name: 'b-general' },
          { id: c.bSecret, name: 'b-secret' },
        ],
        roles: [{ id: w.roles.adminB, name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
        members: [
          { userId: w.users.ownerB, username: 'owner-b' },
          { userId: w.users.adminB, username: 'admin-b', roles: [w.roles.adminB] },
          { userId: w.users.watchB, username: 'watch-b', roles: [w.roles.adminB] },
        ],
      },
    ],
  };
}
