import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { register } from 'prom-client';
import type { GuildConfig } from '../../src/modules/config';
import {
  FakeDiscord,
  fakeSnowflake,
  snowflakeForShard,
  type FakeDiscordOptions,
  type InteractionHandle,
  type InteractionResponses,
} from '../fakes/discord';
import { FakeKaltura } from '../fakes/kaltura';
import { bootTestApp, type TestApp } from './app';

/** The fixture guild: a host, a viewer, an admin (Manage Server through a role), a moderator by role mapping. */
export const world = (() => {
  const guildId = snowflakeForShard(0, 1);
  return {
    guildId,
    otherGuildId: snowflakeForShard(0, 1),
    channelId: fakeSnowflake(),
    otherChannelId: fakeSnowflake(),
    adminRoleId: fakeSnowflake(),
    moderatorRoleId: fakeSnowflake(),
    hostsRoleId: fakeSnowflake(),
    owner: fakeSnowflake(),
    host: fakeSnowflake(),
    viewer: fakeSnowflake(),
    admin: fakeSnowflake(),
    moderator: fakeSnowflake(),
    outsider: fakeSnowflake(),
  };
})();

/** Fake Discord options for the fixture world (two guilds, so guild scoping can be checked). */
export function worldDiscordOptions(extra: FakeDiscordOptions = {}): FakeDiscordOptions {
  const w = world;
  return {
    heartbeatIntervalMs: 1000,
    guilds: [
      {
        id: w.guildId,
        name: 'Kaltura Fans',
        ownerId: w.owner,
        channels: [{ id: w.channelId, name: 'meetings' }],
        roles: [
          { id: w.adminRoleId, name: 'Admins', permissions: PermissionFlagsBits.ManageGuild },
          { id: w.moderatorRoleId, name: 'Moderators', permissions: '0' },
          { id: w.hostsRoleId, name: 'Hosts', permissions: '0' },
        ],
        members: [
          { userId: w.owner, username: 'owner' },
          { userId: w.host, username: 'hana', globalName: 'Hana Host', roles: [w.hostsRoleId] },
          { userId: w.viewer, username: 'vic', nick: 'Vic the Viewer' },
          { userId: w.admin, username: 'ada', roles: [w.adminRoleId] },
          { userId: w.moderator, username: 'mo', roles: [w.moderatorRoleId] },
        ],
      },
      {
        id: w.otherGuildId,
        name: 'Other guild',
        channels: [{ id: w.otherChannelId, name: 'lobby' }],
        members: [{ userId: w.outsider, username: 'otto' }],
      },
    ],
    ...extra,
  };
}

/** The highest budgets and caps the schema allows: tests about something else do not reach them. */
export const ROOMY_LIMITS: GuildConfig['limits'] = {
  commands: { perMember: 100, perGuild: 1000, windowSeconds: 60 },
  meetings: { activePerHost: 20, activePerGuild: 200 },
};

/**
 * A throw-away config directory holding the shipped defaults with roomy limits (`ROOMY_LIMITS`), changed by
 * `change` (e.g. command permissions, role mapping), so tests exercise guild configuration without depending on
 * how overrides are stored.
 */
export function configDirWith(change: (config: GuildConfig) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'kd-config-'));
  const config = JSON.parse(readFileSync(join('config', 'default_config.json'), 'utf8')) as GuildConfig;
  // Suites about something else never reach the command budgets or meeting caps; `change` may set them.
  config.limits = structuredClone(ROOMY_LIMITS);
  change(config);
  writeFileSync(join(dir, 'default_config.json'), JSON.stringify(config, null, 2));
  mkdirSync(join(dir, 'overrides'));
  return dir;
}

/**
 * Process-wide state two apps in one test file would otherwise share: prom-client's default registry, and
 * nestjs-pino's logger for code outside a request, which stays bound to the first app's log stream. Call it
 * before booting another app in the same file.
 */
export function resetProcessState(): void {
  register.clear();
  __resetOutOfContextForTests();
}

export interface FullApp extends TestApp {
  discord: FakeDiscord;
  /** The fake Kaltura partner (absent in sandbox mode). */
  kaltura?: FakeKaltura;
}

export const KAF_URL = 'https://4242.kaf.test';

// necord keeps each handler's bound callback on an object made when the decorators ran (`contextCallback ??=`):
// a second Discord-enabled app in the same module registry (one jest test file) would silently run the first
// app's handler instances. So: one Discord app per test file.
let discordAppBooted = false;

/**
 * Boots the whole application (AppModule + configureApp, like main.ts) against a FakeDiscord and, unless
 * `kaltura: 'sandbox'`, a FakeKaltura partner — real sockets on 127.0.0.1, real discord.js, real kaltura-client.
 * Resolves once the commands are registered. `close()` stops the app (gateway first), then the fakes.
 */
export async function bootFullApp(
  options: { env?: Record<string, string>; discord?: FakeDiscordOptions; kaltura?: 'fake' | 'sandbox' } = {},
): Promise<FullApp> {
  if (discordAppBooted) {
    throw new Error(
      'bootFullApp: one Discord-enabled app per test file (necord binds handlers once per process)',
    );
  }
  discordAppBooted = true;
  const discord = new FakeDiscord(worldDiscordOptions(options.discord));
  await discord.start();
  const kaltura = options.kaltura === 'sandbox' ? undefined : new FakeKaltura();
  await kaltura?.start();
  resetProcessState();
  let app: TestApp;
  try {
    app = await bootTestApp({
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_CLIENT_ID: discord.applicationId,
      ...(kaltura
        ? {
            KALTURA_PARTNER_ID: String(kaltura.partnerId),
            KALTURA_ADMIN_SECRET: kaltura.adminSecret,
            KALTURA_SERVICE_URL: kaltura.url,
            KALTURA_KAF_URL: KAF_URL,
          }
        : {}),
      // The shipped defaults with roomy limits, unless the suite brings its own configuration.
      CONFIG_DIR: configDirWith(() => undefined),
      ...options.env,
    });
  } catch (err) {
    await discord.stop();
    await kaltura?.stop();
    throw err;
  }
  const devGuild = options.env?.DISCORD_DEV_GUILD_ID;
  await discord.waitForCall(
    (c) =>
      c.status === 200 &&
      c.route ===
        (devGuild ? 'PUT /applications/:app/guilds/:guild/commands' : 'PUT /applications/:app/commands'),
    10_000,
  );
  return {
    ...app,
    discord,
    kaltura,
    close: async () => {
      await app.close();
      await discord.stop();
      await kaltura?.stop();
    },
  };
}

/**
 * Waits until the interaction is answered: `count` edits of the original after a deferral, or (for `count` 1) an
 * immediate reply (callback type 4, how joins answer when the link is ready within the budget).
 */
export function settled(
  handle: InteractionHandle,
  edits = 1,
  timeoutMs = 10_000,
): Promise<InteractionResponses> {
  return handle.waitFor(
    (r) => r.callback !== null && (r.edits.length >= edits || (edits === 1 && r.callback.type === 4)),
    timeoutMs,
    `${edits} edit(s) or a reply`,
  );
}

/**
 * Matches the body of a public meeting card (`POST /channels/{id}/messages` with the `start-<meetingId>` nonce),
 * optionally of the meeting titled `title`: faults aimed at the card spare the notifications posted beside it.
 */
export function meetingCardBody(title?: string): (body: unknown) => boolean {
  return (body) => {
    const b = body as { nonce?: unknown; embeds?: Array<{ title?: unknown }> } | null;
    return (
      typeof b?.nonce === 'string' &&
      b.nonce.startsWith('start-') &&
      (title === undefined || b.embeds?.[0]?.title === title)
    );
  };
}

/** The text of the original response of an interaction, after its edits. */
export function originalContent(responses: InteractionResponses): string {
  return responses.original?.message.content ?? '';
}

/** The link button URL in a message, if any. */
export function linkButtonUrl(message: { components?: unknown[] } | undefined): string | undefined {
  const rows = (message?.components ?? []) as Array<{ components?: Array<{ style?: number; url?: string }> }>;
  return rows.flatMap((row) => row.components ?? []).find((c) => c.style === 5)?.url;
}

/** Custom ids of the buttons in a message. */
export function buttonIds(message: { components?: unknown[] } | undefined): string[] {
  const rows = (message?.components ?? []) as Array<{ components?: Array<{ custom_id?: string }> }>;
  return rows.flatMap((row) => row.components ?? []).flatMap((c) => (c.custom_id ? [c.custom_id] : []));
}
