import { Injectable, Logger } from '@nestjs/common';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { Settings, discordLoginMissing } from '../../platform/settings';
import { DISCORD_TIMEOUT_MS } from './auth.constants';
import { authErrors } from './auth.errors';
import { SNOWFLAKE } from './domain/principal';
import type { GuildMemberFacts } from './role-mapping.service';

/** The Discord user behind an authorization code. */
export interface DiscordUser {
  id: string;
  username: string;
  /** Global display name when set, else the username. */
  displayName: string;
}

interface Answer {
  status: number;
  body: unknown;
}

const MANAGE = PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Discord's REST API for sign-in: OAuth2 code exchange with the application's client id/secret, `/users/@me`
 * with the user's token, and guild membership and roles with the bot token. Plain fetch with a deadline per
 * call: a sign-in either completes or fails fast with 503, it never hangs on Discord. Discord's tokens are used
 * once and never stored or logged.
 */
@Injectable()
export class DiscordOAuthClient {
  private readonly logger = new Logger('auth');

  constructor(private readonly settings: Settings) {}

  /** Discord login needs the application's client id and secret. */
  get loginEnabled(): boolean {
    return this.missingSettings.length === 0;
  }

  /** The variables Discord login still needs (names only): said in the refusal and the start-up report. */
  get missingSettings(): string[] {
    return discordLoginMissing(this.settings);
  }

  /** Exchanges an authorization code for the user's Discord access token. */
  async exchangeCode(code: string, redirectUri?: string): Promise<string> {
    const { clientId, clientSecret } = this.settings.discord;
    const form = new URLSearchParams({ grant_type: 'authorization_code', code });
    if (redirectUri) form.set('redirect_uri', redirectUri);
    form.set('client_id', clientId ?? '');
    form.set('client_secret', clientSecret ?? '');
    const answer = await this.call('POST /oauth2/token', '/oauth2/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const error = isRecord(answer.body) ? answer.body.error : undefined;
    if (answer.status === 401 || error === 'invalid_client') {
      this.logger.error('Discord refused DISCORD_CLIENT_ID/DISCORD_CLIENT_SECRET');
      throw authErrors.discordUnavailable();
    }
    const token = isRecord(answer.body) ? answer.body.access_token : undefined;
    if (answer.status !== 200 || typeof token !== 'string')
      throw authErrors.invalidGrant('authorization code');
    return token;
  }

  /** The user a Discord access token belongs to (needs the `identify` scope). */
  async currentUser(accessToken: string): Promise<DiscordUser> {
    const answer = await this.call('GET /users/@me', '/users/@me', {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    const u = answer.body;
    if (
      answer.status !== 200 ||
      !isRecord(u) ||
      typeof u.id !== 'string' ||
      !SNOWFLAKE.test(u.id) ||
      typeof u.username !== 'string'
    ) {
      throw authErrors.invalidGrant('authorization code');
    }
    const globalName = typeof u.global_name === 'string' && u.global_name.trim() ? u.global_name : undefined;
    return { id: u.id, username: u.username, displayName: globalName ?? u.username };
  }

  /**
   * The member's roles and whether they can manage the guild, looked up with the bot token; null when the user
   * is not a member (or the bot is not in the guild).
   */
  async memberFacts(guildId: string, userId: string): Promise<GuildMemberFacts | null> {
    const member = await this.botGet(
      'GET /guilds/:guild/members/:user',
      `/guilds/${guildId}/members/${userId}`,
    );
    if (member === null) return null;
    const guild = await this.botGet('GET /guilds/:guild', `/guilds/${guildId}`);
    if (guild === null) return null;
    const roleIds = Array.isArray(member.roles)
      ? member.roles.filter((r): r is string => typeof r === 'string')
      : [];
    const roles = (Array.isArray(guild.roles) ? guild.roles : []).filter(isRecord);
    let permissions = 0n;
    const roleNames: string[] = [];
    for (const role of roles) {
      const id = String(role.id);
      // The @everyone role has the guild's id and applies to every member.
      if (id !== guildId && !roleIds.includes(id)) continue;
      permissions |= toBigInt(role.permissions);
      if (id !== guildId && typeof role.name === 'string') roleNames.push(role.name);
    }
    const isOwner = guild.owner_id === userId;
    return { roleIds, roleNames, canManageGuild: isOwner || (permissions & MANAGE) !== 0n };
  }

  private async botGet(route: string, path: string): Promise<Record<string, unknown> | null> {
    const token = this.settings.discord.token;
    if (!token) {
      this.logger.error('Guild membership cannot be checked: DISCORD_TOKEN is not set');
      throw authErrors.discordUnavailable();
    }
    const answer = await this.call(route, path, { headers: { Authorization: `Bot ${token}` } });
    if (answer.status === 401) {
      this.logger.error('Discord refused the bot token (DISCORD_TOKEN)');
      throw authErrors.discordUnavailable();
    }
    if (answer.status === 403 || answer.status === 404) return null;
    if (answer.status !== 200 || !isRecord(answer.body)) throw authErrors.discordUnavailable();
    return answer.body;
  }

  /** One Discord call with a deadline; network trouble, 429 and 5xx become 503. Logs name the route only. */
  private async call(route: string, path: string, init: RequestInit): Promise<Answer> {
    let res: Response;
    try {
      res = await fetch(`${this.settings.discord.apiUrl}/v10${path}`, {
        ...init,
        signal: AbortSignal.timeout(DISCORD_TIMEOUT_MS),
      });
    } catch (err) {
      const reason = (err as Error | undefined)?.name === 'TimeoutError' ? 'timeout' : 'network';
      this.logger.warn({ route, reason }, 'Discord request failed');
      throw authErrors.discordUnavailable();
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.status === 429 || res.status >= 500) {
      const retryAfter =
        isRecord(body) && typeof body.retry_after === 'number' ? Math.ceil(body.retry_after) : undefined;
      this.logger.warn({ route, status: res.status }, 'Discord request refused');
      throw authErrors.discordUnavailable(retryAfter);
    }
    return { status: res.status, body };
  }
}

function toBigInt(value: unknown): bigint {
  try {
    return typeof value === 'string' || typeof value === 'number' ? BigInt(value) : 0n;
  } catch {
    return 0n;
  }
}
