import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';

/** How long a channel that refused a post (403, or 404 Unknown Channel) gets no more posts. */
export const CHANNEL_SUSPENSION_MS = 10 * 60_000;
/** Discord codes that will answer the same way on every post until someone changes the channel or the bot. */
const SUSPENDING_CODES = new Set([10003, 50001, 50013]);

/**
 * Channels the bot stops posting to for a while. Every 403 counts toward Discord's invalid-request limit (10,000
 * per 10 minutes per IP bans the whole bot, topics/rate-limits.mdx), so a channel that answered 403 (50001
 * Missing Access, 50013 Missing Permissions) or 404 (10003 Unknown Channel) is not asked again for
 * `CHANNEL_SUSPENSION_MS`: the notifications for it are skipped with the reason. Kept in the shared cache (Redis
 * when configured), so every replica honours it. Its own small service on purpose: a channel-permission check
 * (app_permissions, channel cache) can call `suspend`/`suspension` too.
 */
@Injectable()
export class ChannelSuspensions {
  private readonly log = new Logger('notification-delivery');

  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  /** Whether this Discord error should suspend the channel it came from. */
  static suspends(err: unknown): boolean {
    if (typeof err !== 'object' || err === null) return false;
    const { status, code } = err as { status?: unknown; code?: unknown };
    return (status === 403 || status === 404) && typeof code === 'number' && SUSPENDING_CODES.has(code);
  }

  /** The reason the channel is suspended, or null. A cache failure answers null (posting is the safe default). */
  async suspension(channelId: string): Promise<string | null> {
    return (await this.cache.get<string>(key(channelId)).catch(() => undefined)) ?? null;
  }

  async suspend(guildId: string, channelId: string, reason: string): Promise<void> {
    if (await this.suspension(channelId)) return;
    await this.cache.set(key(channelId), reason, CHANNEL_SUSPENSION_MS).catch(() => undefined);
    // Once per suspension (per replica that saw the refusal first): the runbook starts from this line.
    this.log.warn(
      { guildId, channelId, reason, suspendedForMs: CHANNEL_SUSPENSION_MS },
      'Discord refused a post to this channel; no more posts to it for a while',
    );
  }

  async lift(channelId: string): Promise<void> {
    await this.cache.del(key(channelId)).catch(() => undefined);
  }
}

const key = (channelId: string) => `kd:notification:suspended:${channelId}`;
