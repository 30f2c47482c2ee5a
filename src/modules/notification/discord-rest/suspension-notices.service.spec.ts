import { Logger } from '@nestjs/common';
import { createCache } from 'cache-manager';
import { Counter } from 'prom-client';
import { ScriptedDiscord } from '../../../../test/notification/support/unit-helpers';
import type { RedisConnections } from '../../../platform/cache';
import { ChannelAccess, type ChannelVerdict } from '../../channels';
import { ChannelSuspensions } from './channel-suspensions.service';
import { SuspensionNotices, suspensionNotice } from './suspension-notices.service';

beforeAll(() => Logger.overrideLogger(false));

const GUILD = '111111111111111111';
const SUSPENDED = '222222222222222222';
const SYSTEM = '333333333333333333';
const HIDDEN = '444444444444444444';

/** Every channel is usable but HIDDEN (the bot cannot see it). */
class StubChannelAccess extends ChannelAccess {
  readonly verifies = true;
  async check(_guildId: string, ref: string): Promise<ChannelVerdict> {
    return ref === HIDDEN
      ? {
          ok: false,
          channelId: ref,
          reason: 'missing_permissions',
          message: `The bot cannot post in <#${ref}>.`,
        }
      : { ok: true, channelId: ref, verified: true };
  }
  forget(): void {}
}

function setup(systemChannel: string | null) {
  const discord = new ScriptedDiscord();
  discord.systemChannel = systemChannel;
  const suspensions = new ChannelSuspensions(createCache());
  const counter = new Counter({ name: 's', help: 's', labelNames: ['outcome'], registers: [] });
  const noRedis = { enabled: false } as RedisConnections;
  const notices = new SuspensionNotices(discord, new StubChannelAccess(), suspensions, noRedis, counter);
  const counted = async (outcome: string) =>
    (await counter.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { discord, suspensions, notices, counted };
}

describe('SuspensionNotices (issue 26 item 11: tell the guild’s admins once)', () => {
  it('posts one notice to the system channel per suspension, however often it is asked, with no mentions', async () => {
    const { discord, suspensions, notices, counted } = setup(SYSTEM);
    discord.plan({ id: 'm1' });
    await suspensions.suspend(GUILD, SUSPENDED, 'Missing Permissions');
    expect(await notices.tell(GUILD, SUSPENDED, 50013)).toBe('sent');
    // Further refusals and skips during the same suspension: no second notice (an unplanned post would throw).
    expect(await notices.tell(GUILD, SUSPENDED, 50013)).toBe('already_told');
    expect(await notices.tell(GUILD, SUSPENDED, 50013)).toBe('already_told');
    expect(discord.posts).toHaveLength(1);
    const [{ channelId, message }] = discord.posts;
    expect(channelId).toBe(SYSTEM);
    expect(message.allowMentions).toBe(false);
    expect(message.nonce).toMatch(/^[0-9a-f]{24}$/);
    expect(message.content).toContain(`<#${SUSPENDED}>`);
    expect(message.content).toContain('Missing Permissions');
    expect(message.content).toContain('Send Messages');
    expect(message.content).toMatch(/resume automatically/);
    expect(await counted('sent')).toBe(1);
  });

  it('never posts the notice to the suspended channel itself: logs and counts no_channel', async () => {
    const { discord, notices, counted } = setup(SUSPENDED);
    expect(await notices.tell(GUILD, SUSPENDED, 50001)).toBe('no_channel');
    expect(await notices.tell(GUILD, SUSPENDED, 50001)).toBe('already_told');
    expect(discord.posts).toEqual([]);
    expect(await counted('no_channel')).toBe(1);
  });

  it('skips a system channel the bot cannot post in, or none at all', async () => {
    const hidden = setup(HIDDEN);
    expect(await hidden.notices.tell(GUILD, SUSPENDED, 10003)).toBe('no_channel');
    expect(hidden.discord.posts).toEqual([]);
    const none = setup(null);
    expect(await none.notices.tell(GUILD, SUSPENDED, 10003)).toBe('no_channel');
    expect(none.discord.posts).toEqual([]);
  });

  it('skips a system channel that is itself suspended', async () => {
    const { discord, suspensions, notices } = setup(SYSTEM);
    await suspensions.suspend(GUILD, SYSTEM, 'Missing Access');
    expect(await notices.tell(GUILD, SUSPENDED, 50013)).toBe('no_channel');
    expect(discord.posts).toEqual([]);
  });

  it('names each reason and what fixes it', () => {
    const at = new Date('2026-01-01T00:10:00Z');
    expect(suspensionNotice(SUSPENDED, 50001, at)).toContain('**Missing Access**');
    expect(suspensionNotice(SUSPENDED, 10003, at)).toContain('**Unknown Channel**');
    expect(suspensionNotice(SUSPENDED, 10003, at)).toContain('no longer exists');
    expect(suspensionNotice(SUSPENDED, 50013, at)).toContain(`<t:${at.getTime() / 1000}:t>`);
  });
});

describe('SuspensionNotices.tellAdmins (other notices, e.g. an outgoing webhook disabled)', () => {
  it('posts the given text to the system channel once per key, and says when there is no channel', async () => {
    const { discord, notices, counted } = setup(SYSTEM);
    discord.plan({ id: 'm1' });
    expect(await notices.tellAdmins(GUILD, 'hook-1', 'Endpoint disabled.', 60_000)).toBe('sent');
    expect(await notices.tellAdmins(GUILD, 'hook-1', 'Endpoint disabled.', 60_000)).toBe('already_told');
    expect(discord.posts).toEqual([
      expect.objectContaining({
        channelId: SYSTEM,
        message: expect.objectContaining({ content: 'Endpoint disabled.', allowMentions: false }),
      }),
    ]);
    expect(await counted('sent')).toBe(1);
    const none = setup(null);
    expect(await none.notices.tellAdmins(GUILD, 'hook-2', 'x', 60_000)).toBe('no_channel');
    expect(await none.counted('no_channel')).toBe(1);
  });
});
