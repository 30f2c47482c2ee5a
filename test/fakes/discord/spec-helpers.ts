import { once } from 'node:events';
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  PermissionFlagsBits,
  type ClientOptions,
} from 'discord.js';
import { FakeDiscord } from './fake-discord';
import { fakeSnowflake, snowflakeForShard } from './snowflake';
import type { FakeDiscordOptions } from './types';

/** Ids of the fixture world: two guilds on different shards of 2, roles, channels and members. */
export const world = (() => {
  const guildA = snowflakeForShard(0, 2);
  const guildB = snowflakeForShard(1, 2);
  return {
    guildA,
    guildB,
    channelA: fakeSnowflake(),
    voiceA: fakeSnowflake(),
    channelB: fakeSnowflake(),
    adminRole: fakeSnowflake(),
    memberRole: fakeSnowflake(),
    owner: fakeSnowflake(),
    alice: fakeSnowflake(),
    bob: fakeSnowflake(),
    carol: fakeSnowflake(),
  };
})();

/** Options for a fake with the fixture world (guild A on shard 0/2 with roles; guild B on shard 1/2). */
export function worldOptions(extra: FakeDiscordOptions = {}): FakeDiscordOptions {
  const w = world;
  return {
    heartbeatIntervalMs: 1000,
    guilds: [
      {
        id: w.guildA,
        name: 'Guild A',
        ownerId: w.owner,
        channels: [
          { id: w.channelA, name: 'general' },
          { id: w.voiceA, name: 'Voice', type: ChannelType.GuildVoice },
        ],
        roles: [
          { id: w.adminRole, name: 'Admins', permissions: PermissionFlagsBits.ManageGuild },
          { id: w.memberRole, name: 'Members', permissions: '0' },
        ],
        members: [
          { userId: w.owner, username: 'owner' },
          { userId: w.alice, username: 'alice', roles: [w.adminRole, w.memberRole] },
          { userId: w.bob, username: 'bob', roles: [w.memberRole] },
        ],
      },
      {
        id: w.guildB,
        name: 'Guild B',
        channels: [{ id: w.channelB, name: 'lobby' }],
        members: [{ userId: w.carol, username: 'carol' }],
      },
    ],
    ...extra,
  };
}

/** Commands the specs dispatch without an app: the fake only dispatches registered commands, as Discord. */
export const fixtureCommands = ['kaltura-start', 'kaltura-list', 'kaltura-help', 'kaltura-join', 'x'].map(
  (name) => ({ name, description: `Fixture command ${name}` }),
);

/** Starts a fake with the fixture world and the fixture commands registered globally. */
export async function startFake(extra: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(worldOptions(extra));
  fake.registerCommands(fixtureCommands);
  await fake.start();
  return fake;
}

/** Logs a real discord.js client in to the fake and waits for `clientReady`. */
export async function readyClient(
  fake: FakeDiscord,
  options: Partial<ClientOptions> = {},
): Promise<Client<true>> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    ...options,
    rest: { api: fake.apiUrl, ...options.rest },
  });
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return client as Client<true>;
}

/** Destroys clients (ignoring ones never created) then stops the fake. */
export async function shutdown(
  fake: FakeDiscord | undefined,
  ...clients: Array<Client | undefined>
): Promise<void> {
  for (const client of clients) await client?.destroy();
  await fake?.stop();
}
