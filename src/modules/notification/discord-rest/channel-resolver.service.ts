import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { NOTIFICATION_OPTIONS, NotificationOptions } from '../notification.options';
import { PermanentDeliveryError } from './discord-errors';
import { DiscordMessages } from './discord-messages';

const SNOWFLAKE = /^\d{17,20}$/;
/**
 * Channels a name may resolve to: text (0) and announcement (5), as the channel check accepts (threads are not in
 * the guild channel list; voice chat is refused, see docs/security.md).
 */
const POSTABLE = new Set([0, 5]);

/**
 * Turns a configured channel (an id, `<#id>`, or a name such as `#meetings`) into a channel id. Names are
 * resolved through `GET /guilds/{id}/channels` once and cached (shared cache, so every replica benefits).
 */
@Injectable()
export class ChannelResolver {
  /** Lookups in flight, per guild: concurrent deliveries share one request. */
  private readonly inflight = new Map<string, Promise<Record<string, string>>>();

  constructor(
    private readonly discord: DiscordMessages,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
  ) {}

  async resolve(guildId: string, ref: string): Promise<string> {
    const trimmed = ref.trim();
    const mention = /^<#(\d{17,20})>$/.exec(trimmed);
    if (mention) return mention[1];
    if (SNOWFLAKE.test(trimmed)) return trimmed;
    const name = trimmed.replace(/^#/, '').toLowerCase();
    const key = `kd:notification:channels:${guildId}`;
    const cached = await this.cache.get<Record<string, string>>(key).catch(() => undefined);
    // Own keys only: a channel named `constructor` must not resolve to Object.prototype's members.
    if (cached && Object.hasOwn(cached, name)) return cached[name];
    // Not cached, or a channel created since: ask Discord once more.
    let lookup = this.inflight.get(guildId);
    if (!lookup) {
      lookup = this.fetch(guildId, key).finally(() => this.inflight.delete(guildId));
      this.inflight.set(guildId, lookup);
    }
    const channels = await lookup;
    const id = Object.hasOwn(channels, name) ? channels[name] : undefined;
    if (typeof id !== 'string')
      throw new PermanentDeliveryError(`No channel named "${name.slice(0, 100)}" in this guild`);
    return id;
  }

  /** Drops the guild's name → id cache (after 10003: the channel was deleted, maybe recreated under the name). */
  async forget(guildId: string): Promise<void> {
    await this.cache.del(`kd:notification:channels:${guildId}`).catch(() => undefined);
  }

  private async fetch(guildId: string, key: string): Promise<Record<string, string>> {
    // No prototype: a channel named `__proto__` or `constructor` is an ordinary key here.
    const byName = Object.create(null) as Record<string, string>;
    for (const channel of await this.discord.guildChannels(guildId)) {
      const channelName = channel.name.toLowerCase();
      if (POSTABLE.has(channel.type) && !Object.hasOwn(byName, channelName)) byName[channelName] = channel.id;
    }
    await this.cache.set(key, byName, this.options.channelCacheTtlMs).catch(() => undefined);
    return byName;
  }
}
