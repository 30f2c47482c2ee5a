import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeDiscord, type InteractionResponses, type SlashCommandInput } from '../../fakes/discord';
import { FakeKaltura } from '../../fakes/kaltura';
import { eventually } from '../../support/eventually';
import { startService, strongSecret, type ServiceHandle } from './service';
import type { Actor, AttackContext, HttpExchange, HttpRequest, SlashResult } from './types';
import { securityDiscordOptions, securityWorld } from './world';

/** The running world of the suite, and everything the invariants need. */
export interface SecurityHarness extends AttackContext {
  /** Every HTTP exchange so far (rows' and the harness's own). */
  exchanges: HttpExchange[];
  close(): Promise<void>;
}

/**
 * Starts fake Discord (guilds A and B), fake Kaltura (live partner) and the built service in production mode
 * (`NODE_ENV=production`, `STORAGE=memory` explicitly, a strong `JWT_SECRET`, `KALTURA_MODE=live`, a bot token),
 * then signs in one user per actor through the real OAuth2 code exchange.
 */
export async function startHarness(extraEnv: Record<string, string> = {}): Promise<SecurityHarness> {
  const discord = new FakeDiscord(securityDiscordOptions());
  await discord.start();
  const kaltura = new FakeKaltura();
  await kaltura.start();
  let service: ServiceHandle;
  try {
    service = await startService({
      NODE_ENV: 'production',
      STORAGE: 'memory',
      LOG_LEVEL: 'info',
      JWT_SECRET: strongSecret(),
      KALTURA_MODE: 'live',
      KALTURA_PARTNER_ID: String(kaltura.partnerId),
      KALTURA_ADMIN_SECRET: kaltura.adminSecret,
      KALTURA_SERVICE_URL: kaltura.url,
      KALTURA_KAF_URL: 'https://4242.kaf.test',
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_CLIENT_SECRET: discord.clientSecret,
      ...extraEnv,
    });
    await discord.waitForCall(
      (c) => c.status === 200 && c.route === 'PUT /applications/:app/commands',
      15_000,
    );
  } catch (err) {
    await discord.stop();
    await kaltura.stop();
    throw err;
  }

  const exchanges: HttpExchange[] = [];
  const http = async (req: HttpRequest): Promise<HttpExchange> => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    let body: string | Buffer | undefined;
    if (req.body !== undefined) {
      if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) body = req.body;
      else {
        body = JSON.stringify(req.body);
        headers['content-type'] ??=
          req.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      }
    }
    const res = await fetch(`${service.url}${req.path}`, { method: req.method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const exchange: HttpExchange = {
      method: req.method,
      path: req.path,
      status: res.status,
      headers: res.headers,
      body: parsed,
      text,
    };
    exchanges.push(exchange);
    return exchange;
  };

  const w = securityWorld;
  const signIn = async (userId: string, guildId: string): Promise<string> => {
    const code = `code-${randomBytes(8).toString('hex')}`;
    discord.addOAuthCode({ code, userId });
    const res = await http({
      method: 'POST',
      path: '/api/v1/auth/token',
      body: { grant_type: 'discord_code', code, guild_ids: [guildId] },
    });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
    return (res.body as { access_token: string }).access_token;
  };
  const tokens: Record<Actor, string> = {
    adminA: await signIn(w.users.adminA, w.guildA),
    memberA: await signIn(w.users.memberA, w.guildA),
    adminB: await signIn(w.users.adminB, w.guildB),
  };
  // The harness's own readers: the API allows 120 requests a minute per user, and the table is longer than that.
  const watchers = {
    A: await signIn(w.users.watchA, w.guildA),
    B: await signIn(w.users.watchB, w.guildB),
  };

  const slash = async (input: SlashCommandInput): Promise<SlashResult> => {
    const handle = discord.sendSlashCommand(input);
    const done: InteractionResponses = await handle.waitFor(
      (r) => r.callback !== null && (r.callback.type !== 5 || r.edits.length > 0),
      15_000,
      `an answer to /${input.name}`,
    );
    const messages = [done.original, ...done.followups].filter((m) => m !== null);
    return {
      responses: done,
      text: messages.map((m) => m.message.content ?? '').join('\n'),
      ephemeral: messages.every((m) => m.ephemeral),
    };
  };

  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const res = await http({ method: 'GET', path: '/metrics' });
    let sum = 0;
    for (const line of res.text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const seen = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      if (Object.entries(labels).every(([k, v]) => seen[k] === v)) sum += Number(match[3]);
    }
    return sum;
  };

  const adminOf = (guildId: string) => (guildId === w.guildB ? watchers.B : watchers.A);
  const writeOverride = async (guildId: string, override: object): Promise<void> => {
    await writeFile(join(service.configDir, 'overrides', `${guildId}.json`), JSON.stringify(override));
    // Hot reload picks the file up; wait until the service answers with it.
    const expected = JSON.stringify(override);
    await eventually(
      async () => {
        const res = await http({
          method: 'GET',
          path: `/api/v1/guilds/${guildId}/config`,
          token: adminOf(guildId),
        });
        const seen = JSON.stringify(res.body?.override);
        if (seen === expected) return true;
        throw new Error(`${res.status}: ${seen ?? JSON.stringify(res.body)}`.slice(0, 300));
      },
      10_000,
      `the override of ${guildId} to be reloaded`,
      // Each probe spends the admin's API budget (120 a minute): the whole table shares it.
      250,
    );
  };

  return {
    world: w,
    service,
    discord,
    kaltura,
    tokens,
    watchers,
    http,
    slash,
    metric,
    writeOverride,
    exchanges,
    close: async () => {
      await service.stop();
      await discord.stop();
      await kaltura.stop();
    },
  };
}
