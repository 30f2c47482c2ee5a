import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import request from 'supertest';
import { FakeDiscord, fakeSnowflake } from '../fakes/discord';
import type { TestApp } from '../support/app';

/**
 * A small Discord world for the REST API tests: two guilds, members with every project role, a user outside
 * guild A, and a config directory whose role mapping makes the `Mods` role moderators.
 */
export interface AuthWorld {
  fake: FakeDiscord;
  guildA: string;
  guildB: string;
  roles: { admins: string; mods: string; adminsB: string };
  /** A text channel of each guild (meetings need a channel of their own guild). */
  channels: { a: string; b: string };
  users: { owner: string; admin: string; mod: string; viewer: string; outsider: string };
  /** Env for `bootTestApp`: Discord pointed at the fake, config with the role mapping. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startAuthWorld(): Promise<AuthWorld> {
  const [guildA, guildB] = [fakeSnowflake(), fakeSnowflake()];
  const roles = { admins: fakeSnowflake(), mods: fakeSnowflake(), adminsB: fakeSnowflake() };
  const channels = { a: fakeSnowflake(), b: fakeSnowflake() };
  const users = {
    owner: fakeSnowflake(),
    admin: fakeSnowflake(),
    mod: fakeSnowflake(),
    viewer: fakeSnowflake(),
    outsider: fakeSnowflake(),
  };
  const fake = new FakeDiscord({
    guilds: [
      {
        id: guildA,
        name: 'Guild A',
        ownerId: users.owner,
        channels: [{ id: channels.a, name: 'general' }],
        roles: [
          { id: roles.admins, name: 'Admins', permissions: PermissionFlagsBits.ManageGuild },
          { id: roles.mods, name: 'Mods' },
        ],
        members: [
          { userId: users.owner, username: 'owner' },
          { userId: users.admin, username: 'alice', globalName: 'Alice', roles: [roles.admins] },
          { userId: users.mod, username: 'morgan', globalName: 'Morgan', roles: [roles.mods] },
          { userId: users.viewer, username: 'victor' },
        ],
      },
      {
        id: guildB,
        name: 'Guild B',
        ownerId: users.owner,
        channels: [{ id: channels.b, name: 'general' }],
        roles: [{ id: roles.adminsB, name: 'Boss', permissions: PermissionFlagsBits.Administrator }],
        members: [
          { userId: users.owner, username: 'owner' },
          { userId: users.outsider, username: 'oscar', globalName: 'Oscar', roles: [roles.adminsB] },
          { userId: users.admin, username: 'alice', globalName: 'Alice' },
        ],
      },
    ],
  });
  const { apiUrl } = await fake.start();

  const configDir = mkdtempSync(join(tmpdir(), 'kd-auth-config-'));
  const defaults = JSON.parse(readFileSync(join(__dirname, '../../config/default_config.json'), 'utf8'));
  defaults.roles = { ...defaults.roles, mapping: { [roles.mods]: 'moderator' } };
  writeFileSync(join(configDir, 'default_config.json'), JSON.stringify(defaults, null, 2));
  mkdirSync(join(configDir, 'overrides'));

  return {
    fake,
    guildA,
    guildB,
    roles,
    channels,
    users,
    env: {
      DISCORD_API_URL: apiUrl,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_CLIENT_SECRET: fake.clientSecret,
      DISCORD_TOKEN: fake.token,
      CONFIG_DIR: configDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    stop: () => fake.stop(),
  };
}

/** Signs `userId` in through the real Discord code exchange; returns the token response body. */
export async function signIn(
  t: TestApp,
  world: AuthWorld,
  userId: string,
  guildIds: string[],
): Promise<{
  access_token: string;
  refresh_token: string;
  guilds: Array<{ guild_id: string; role: string }>;
}> {
  const code = `code-${randomBytes(8).toString('hex')}`;
  world.fake.addOAuthCode({ code, userId });
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/auth/token')
    .set(fromNewClient())
    .send({ grant_type: 'discord_code', code, guild_ids: guildIds });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Asserts an RFC 9457 problem with the given status and code. */
export function expectProblem(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, requestId: expect.any(String), title: expect.any(String) });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

let clients = 0;
/**
 * Sign-in routes are limited per client address. The app trusts loopback proxies, so tests that are not about
 * rate limits present a fresh address (TEST-NET-2) per request instead of sharing 127.0.0.1's budget.
 */
export function fromNewClient(): Record<string, string> {
  clients++;
  return { 'X-Forwarded-For': `198.51.${Math.floor(clients / 250) % 250}.${(clients % 250) + 1}` };
}
