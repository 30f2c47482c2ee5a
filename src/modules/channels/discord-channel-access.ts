import { Logger } from '@nestjs/common';
import { REST, Routes, type Client } from 'discord.js';
import { ChannelAccess, ChannelCheckUnavailableError, type ChannelVerdict } from './channel-access.port';
import {
  THREAD_CHANNEL_TYPES,
  computeChannelPermissions,
  judgeChannel,
  refusalMessage,
  type ChannelRefusal,
  type OverwriteFacts,
} from './domain/channel-rules';

const SNOWFLAKE = /^\d{17,20}$/;

/** How the adapter reaches Discord. */
export interface DiscordChannelAccessOptions {
  apiUrl: string;
  token: string;
  /** How long a verdict is trusted (permissions change rarely; a refused post also forgets it). */
  ttlMs: number;
  requestTimeoutMs: number;
  /** The discord.js client of the gateway, when it runs in this process: its cache answers first. */
  client?: () => Client | undefined;
  now?: () => number;
}

interface RawChannel {
  id: string;
  type: number;
  guild_id?: string;
  parent_id?: string | null;
  name?: string;
  permission_overwrites?: OverwriteFacts[];
}

/** Discord's answer was a refusal about the channel itself (not an outage). */
const refusalOf = (err: unknown): ChannelRefusal | null => {
  const e = err as { status?: number; code?: number };
  if (e?.status === 404) return 'unknown';
  if (e?.status === 403) return 'no_access';
  return null;
};

/**
 * `ChannelAccess` over Discord: the gateway cache (discord.js `permissionsFor`, which applies overwrites as Discord
 * does) when the guild is cached in this process, else REST (`GET /channels/{id}`, the parent for a thread,
 * `GET /guilds/{id}` roles and owner, `GET /guilds/{id}/members/{bot}`), computed with `computeChannelPermissions`.
 * Verdicts are cached per guild and channel for `ttlMs`. Any failure to ask Discord refuses (fail closed).
 */
export class DiscordChannelAccess extends ChannelAccess {
  readonly verifies = true;
  private readonly log = new Logger('channels');
  private readonly rest: REST;
  private readonly verdicts = new Map<string, { verdict: ChannelVerdict; until: number }>();
  private botUserId: Promise<string> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: DiscordChannelAccessOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.rest = new REST({
      api: options.apiUrl,
      version: '10',
      retries: 1,
      timeout: options.requestTimeoutMs,
    }).setToken(options.token);
  }

  async check(guildId: string, ref: string): Promise<ChannelVerdict> {
    const trimmed = typeof ref === 'string' ? ref.trim() : '';
    const id = /^<#(\d{17,20})>$/.exec(trimmed)?.[1] ?? (SNOWFLAKE.test(trimmed) ? trimmed : null);
    const channelId = id ?? (await this.idForName(guildId, trimmed.replace(/^#/, '')));
    if (!channelId) return refused(null, trimmed, 'unknown');
    const key = `${guildId}/${channelId}`;
    const known = this.verdicts.get(key);
    if (known && known.until > this.now()) return known.verdict;
    // null from the cache means "usable": only undefined (the cache cannot tell) goes to REST.
    const cached = this.fromGateway(guildId, channelId);
    const reason = cached !== undefined ? cached : await this.fromRest(guildId, channelId);
    const verdict: ChannelVerdict =
      reason === null ? { ok: true, channelId, verified: true } : refused(channelId, trimmed, reason);
    this.verdicts.set(key, { verdict, until: this.now() + this.options.ttlMs });
    return verdict;
  }

  forget(channelId: string): void {
    for (const key of this.verdicts.keys()) if (key.endsWith(`/${channelId}`)) this.verdicts.delete(key);
  }

  close(): void {
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
  }

  /** The verdict from the gateway cache; undefined when the cache cannot tell (guild or channel not cached). */
  private fromGateway(guildId: string, channelId: string): ChannelRefusal | null | undefined {
    const client = this.options.client?.();
    if (!client?.isReady()) return undefined;
    const guild = client.guilds.cache.get(guildId);
    const channel = client.channels.cache.get(channelId);
    if (!guild || !channel || !('guildId' in channel)) return undefined;
    if (channel.guildId !== guildId) return 'other_guild';
    const me = guild.members.me;
    const permissions = me ? channel.permissionsFor(me)?.bitfield : undefined;
    if (permissions === undefined) return undefined;
    return judgeChannel(guildId, { guildId: channel.guildId, type: channel.type }, permissions);
  }

  private async fromRest(guildId: string, channelId: string): Promise<ChannelRefusal | null> {
    const channel = await this.get<RawChannel>(Routes.channel(channelId));
    if ('refusal' in channel) return channel.refusal;
    if (channel.guild_id !== guildId) return 'other_guild';
    let overwrites = channel.permission_overwrites ?? [];
    if (THREAD_CHANNEL_TYPES.has(channel.type) && channel.parent_id) {
      // Threads have no overwrites of their own: their parent's apply.
      const parent = await this.get<RawChannel>(Routes.channel(channel.parent_id));
      if ('refusal' in parent) return 'no_access';
      overwrites = parent.permission_overwrites ?? [];
    }
    const botUserId = await this.bot();
    const guild = await this.get<{ owner_id: string; roles: Array<{ id: string; permissions: string }> }>(
      Routes.guild(guildId),
    );
    const member = await this.get<{ roles: string[] }>(Routes.guildMember(guildId, botUserId));
    if ('refusal' in guild || 'refusal' in member) return 'no_access';
    const permissions = computeChannelPermissions({
      guildId,
      ownerId: guild.owner_id,
      rolePermissions: Object.fromEntries(guild.roles.map((r) => [r.id, r.permissions])),
      botUserId,
      botRoleIds: member.roles,
      overwrites,
    });
    return judgeChannel(guildId, { guildId: channel.guild_id, type: channel.type }, permissions);
  }

  /** A channel name of the guild → its id (text channels first), from the cache or `GET /guilds/{id}/channels`. */
  private async idForName(guildId: string, name: string): Promise<string | null> {
    if (!name) return null;
    const wanted = name.toLowerCase();
    const cached = this.options.client?.()?.guilds.cache.get(guildId);
    if (cached) {
      const found = cached.channels.cache.find((c) => c.name.toLowerCase() === wanted);
      if (found) return found.id;
    }
    const list = await this.get<RawChannel[]>(Routes.guildChannels(guildId));
    if ('refusal' in list || !Array.isArray(list)) return null;
    const matches = list.filter((c) => c.name?.toLowerCase() === wanted);
    return (matches.find((c) => c.type === 0) ?? matches[0])?.id ?? null;
  }

  private bot(): Promise<string> {
    this.botUserId ??= this.get<{ id: string }>(Routes.user('@me')).then((me) => {
      if ('refusal' in me) throw new ChannelCheckUnavailableError();
      return me.id;
    });
    this.botUserId.catch(() => (this.botUserId = null));
    return this.botUserId;
  }

  /** A Discord GET: the body, a refusal about the resource (404 / 403), or `ChannelCheckUnavailableError`. */
  private async get<T>(route: `/${string}`): Promise<T | { refusal: ChannelRefusal }> {
    try {
      return (await this.rest.get(route)) as T;
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal) return { refusal };
      this.log.warn({ err, route }, 'Discord did not answer a channel check');
      throw new ChannelCheckUnavailableError();
    }
  }
}

function refused(channelId: string | null, ref: string, reason: ChannelRefusal): ChannelVerdict {
  return { ok: false, channelId, reason, message: refusalMessage(ref, reason) };
}

/**
 * No bot token: nothing can be posted anyway (notifications are skipped with a reason), so channels are checked
 * for their form only and marked unverified. Once a token is configured, every stored channel is checked again
 * at delivery, so a value accepted here can never lead to a post in another guild.
 */
export class UnverifiedChannelAccess extends ChannelAccess {
  readonly verifies = false;

  async check(_guildId: string, ref: string): Promise<ChannelVerdict> {
    const trimmed = typeof ref === 'string' ? ref.trim() : '';
    const id = /^<#(\d{17,20})>$/.exec(trimmed)?.[1] ?? trimmed;
    return id ? { ok: true, channelId: id, verified: false } : refused(null, trimmed, 'unknown');
  }

  forget(): void {}
}
