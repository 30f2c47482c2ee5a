import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { RedisConnections } from '../../../platform/cache';
import { ChannelAccess } from '../../channels';
import { NOTIFICATION_METRICS, type SuspensionNoticeOutcome } from '../notification.metrics';
import { CHANNEL_SUSPENSION_MS, ChannelSuspensions } from './channel-suspensions.service';
import { DiscordMessages } from './discord-messages';

/** What each suspending Discord code means for the admins: the reason's name and what the bot needs. */
const REASONS: Record<number, { name: string; needs: string }> = {
  50001: {
    name: 'Missing Access',
    needs:
      'the bot needs View Channel in that channel (and Send Messages; Send Messages in Threads in a thread)',
  },
  50013: {
    name: 'Missing Permissions',
    needs: 'the bot needs View Channel and Send Messages there (Send Messages in Threads in a thread)',
  },
  10003: {
    name: 'Unknown Channel',
    needs: 'the channel no longer exists: configure another notification channel',
  },
};

/** The notice text: names the channel, the reason and the fix; no user text in it, so nothing to escape. */
export function suspensionNotice(channelId: string, code: number, resumesAt: Date): string {
  const reason = REASONS[code] ?? { name: `Discord error ${code}`, needs: 'check the channel and the bot' };
  const at = Math.ceil(resumesAt.getTime() / 1000);
  return (
    `⚠️ Kaltura notifications to <#${channelId}> are paused: Discord refused a post there ` +
    `(**${reason.name}**, code ${code}). To fix it, ${reason.needs}. ` +
    `Notifications to that channel resume automatically when the pause ends (<t:${at}:t>); once it is fixed ` +
    `they go through again, and this notice repeats if it is not.`
  );
}

/**
 * Tells a guild's admins, once per suspension, that a notification channel was suspended (issue 26 item 11). The
 * config has no admin or log channel, so the notice goes to the guild's system channel, but only when that is not
 * the suspended channel, is not suspended itself and passes the channel check; otherwise it is logged and
 * counted (`no_channel`). "Once" holds across replicas: the first to take `kd:notification:suspension-notice:<id>`
 * (Redis `SET NX PX`, for as long as the suspension) sends it; without Redis there is one process, and a local
 * map does the same.
 */
@Injectable()
export class SuspensionNotices {
  private readonly log = new Logger('notification-delivery');
  /** Claims without Redis (or when Redis fails): claim key → until when (epoch ms). */
  private readonly local = new Map<string, number>();

  constructor(
    private readonly discord: DiscordMessages,
    private readonly access: ChannelAccess,
    private readonly suspensions: ChannelSuspensions,
    private readonly redis: RedisConnections,
    @InjectMetric(NOTIFICATION_METRICS.suspensionNotices) private readonly notices: Counter<string>,
  ) {}

  /** Sends the notice for `channelId`'s suspension, unless some replica already did. Never throws. */
  async tell(
    guildId: string,
    channelId: string,
    code: number,
  ): Promise<SuspensionNoticeOutcome | 'already_told'> {
    try {
      if (!(await this.claim(`kd:notification:suspension-notice:${channelId}`, CHANNEL_SUSPENSION_MS)))
        return 'already_told';
      const content = suspensionNotice(channelId, code, new Date(Date.now() + CHANNEL_SUSPENSION_MS));
      const outcome = await this.send(guildId, content, channelId);
      this.notices.inc({ outcome });
      return outcome;
    } catch (err) {
      this.notices.inc({ outcome: 'failed' });
      this.log.warn(
        { guildId, channelId, err: String(err) },
        'Could not tell the admins about a suspended channel',
      );
      return 'failed';
    }
  }

  /**
   * Posts another notice for the guild's admins the same way (system channel, channel check, counted in
   * `kd_notification_suspension_notices_total`), once per `key` for `forMs` across replicas: the outgoing webhooks
   * use it when they disable an endpoint. `content` must hold no user text. Never throws.
   */
  async tellAdmins(
    guildId: string,
    key: string,
    content: string,
    forMs: number,
  ): Promise<SuspensionNoticeOutcome | 'already_told'> {
    try {
      if (!(await this.claim(`kd:notification:admin-notice:${key}`, forMs))) return 'already_told';
      const outcome = await this.send(guildId, content, null);
      this.notices.inc({ outcome });
      return outcome;
    } catch (err) {
      this.notices.inc({ outcome: 'failed' });
      this.log.warn({ guildId, key, err: String(err) }, 'Could not tell the admins');
      return 'failed';
    }
  }

  private async send(
    guildId: string,
    content: string,
    channelId: string | null,
  ): Promise<SuspensionNoticeOutcome> {
    const target = await this.discord.systemChannelId(guildId);
    let why = 'the server has no system channel';
    if (target && target === channelId) why = 'the system channel is the suspended channel';
    else if (target && (await this.suspensions.suspension(target)))
      why = 'the system channel is suspended too';
    else if (target) {
      const verdict = await this.access.check(guildId, target);
      if (verdict.ok) {
        await this.discord.postMessage(target, {
          content,
          allowMentions: false,
          // 24 hex characters (Discord allows 25): no retry re-posts it, but the body carries one like every post.
          nonce: randomBytes(12).toString('hex'),
        });
        this.log.log(
          { guildId, channelId, noticeChannelId: target },
          channelId ? 'Told the admins about a suspended channel' : 'Told the admins',
        );
        return 'sent';
      }
      why = `the system channel is not usable: ${verdict.message}`;
    }
    this.log.warn(
      { guildId, channelId, why },
      channelId ? 'Suspended channel: no channel to tell the admins in' : 'No channel to tell the admins in',
    );
    return 'no_channel';
  }

  /** True for the first caller per `key` within `forMs`, across replicas when Redis is configured. */
  private async claim(key: string, forMs: number): Promise<boolean> {
    if (this.redis.enabled) {
      try {
        const taken = await this.redis.client.set(key, '1', 'PX', forMs, 'NX');
        return taken === 'OK';
      } catch {
        // Redis down: fall back to this process's memory (at worst one notice per replica).
      }
    }
    const now = Date.now();
    const until = this.local.get(key);
    if (until !== undefined && until > now) return false;
    for (const [id, end] of this.local) if (end <= now) this.local.delete(id);
    this.local.set(key, now + forMs);
    return true;
  }
}
