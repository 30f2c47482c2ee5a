import type { AttackCase, AttackContext } from '../harness/types';

/**
 * Issue 17 item 1: channels belong to the guild. Every channel the service posts to must be a text-capable
 * channel of that guild where the bot can view and send (threads: send in threads); checked when given (4xx /
 * ephemeral error naming the channel) and again at delivery (skipped with a reason, never posted).
 */
const KNOWN: string | undefined = undefined; // a reason here runs the rows as known bugs

const createMeeting = (ctx: AttackContext, channelId: string) =>
  ctx.http({
    method: 'POST',
    path: `/api/v1/guilds/${ctx.world.guildA}/meetings`,
    token: ctx.tokens.memberA,
    body: { title: 'Standup', type: 'meeting', channelId },
  });

/** A clear 4xx problem that names the channel. */
function expectChannelRefused(res: Awaited<ReturnType<AttackContext['http']>>, channelId: string): void {
  expect({ status: res.status, code: res.body?.code, type: res.headers.get('content-type') }).toEqual({
    status: 400,
    code: 'CHANNEL_NOT_USABLE',
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(res.text).toContain(channelId);
}

const patchConfig = (ctx: AttackContext, patch: object) =>
  ctx.http({
    method: 'PATCH',
    path: `/api/v1/guilds/${ctx.world.guildA}/config`,
    token: ctx.tokens.adminA,
    body: patch,
  });

export const cases: AttackCase[] = [
  {
    item: 1,
    attack: 'a member of A starts a meeting over REST with a channel of guild B',
    refusal: '400 CHANNEL_NOT_USABLE naming the channel; no meeting, no message in B',
    knownBug: KNOWN,
    run: async (ctx) =>
      expectChannelRefused(await createMeeting(ctx, ctx.world.channels.bText), ctx.world.channels.bText),
  },
  {
    item: 1,
    attack: 'a member of A starts a meeting over REST in a voice, a category and a forum channel of A',
    refusal: '400 CHANNEL_NOT_USABLE for each (not a text channel)',
    victim: 'A',
    knownBug: KNOWN,
    run: async (ctx) => {
      const c = ctx.world.channels;
      for (const id of [c.aVoice, c.aCategory, c.aForum])
        expectChannelRefused(await createMeeting(ctx, id), id);
    },
  },
  {
    item: 1,
    attack:
      'a member of A starts a meeting over REST where the bot cannot post (no Send Messages, hidden, thread)',
    refusal: '400 CHANNEL_NOT_USABLE for each',
    victim: 'A',
    knownBug: KNOWN,
    run: async (ctx) => {
      const c = ctx.world.channels;
      for (const id of [c.aReadOnly, c.aHidden, c.aThread])
        expectChannelRefused(await createMeeting(ctx, id), id);
    },
  },
  {
    item: 1,
    attack: 'a member of A starts a meeting over REST with an id that is no channel at all',
    refusal: '400 CHANNEL_NOT_USABLE',
    knownBug: KNOWN,
    run: async (ctx) =>
      expectChannelRefused(await createMeeting(ctx, '123456789012345678'), '123456789012345678'),
  },
  {
    item: 1,
    attack:
      'an admin of A routes all notifications into guild B (PATCH config, default and per-type channels)',
    refusal: '400 CHANNEL_NOT_USABLE naming the channel; config unchanged',
    knownBug: KNOWN,
    run: async (ctx) => {
      const b = ctx.world.channels.bText;
      expectChannelRefused(await patchConfig(ctx, { notifications: { channels: { default: b } } }), b);
      expectChannelRefused(
        await patchConfig(ctx, {
          notifications: { channels: { meeting_start: ctx.world.channels.aNotify, meeting_end: b } },
        }),
        b,
      );
    },
  },
  {
    item: 1,
    attack:
      'an admin of A routes notifications by name to a channel A does not have, or to a voice channel of A',
    refusal: '400 CHANNEL_NOT_USABLE',
    victim: 'A',
    knownBug: KNOWN,
    run: async (ctx) => {
      expectChannelRefused(
        await patchConfig(ctx, { notifications: { channels: { default: 'b-general' } } }),
        'b-general',
      );
      const voice = ctx.world.channels.aVoice;
      expectChannelRefused(
        await patchConfig(ctx, { notifications: { channels: { default: voice } } }),
        voice,
      );
    },
  },
  {
    item: 1,
    attack: 'an admin of A runs /kaltura-config-update notifications channels.default <a channel of B>',
    refusal: 'an ephemeral error naming the channel; config unchanged',
    knownBug: KNOWN,
    run: async (ctx) => {
      const w = ctx.world;
      const result = await ctx.slash({
        guildId: w.guildA,
        channelId: w.channels.aText,
        userId: w.users.adminA,
        name: 'kaltura-config-update',
        options: { section: 'notifications', key: 'channels.default', value: w.channels.bText },
      });
      expect(result.ephemeral).toBe(true);
      expect(result.text).toContain(w.channels.bText);
      expect(result.text).not.toMatch(/^Updated/);
    },
  },
  {
    item: 1,
    attack: 'a member of A runs /kaltura-start in a channel of A where the bot lacks Send Messages',
    refusal: 'an ephemeral error naming the channel; no meeting is created',
    victim: 'A',
    knownBug: KNOWN,
    run: async (ctx) => {
      const w = ctx.world;
      const result = await ctx.slash({
        guildId: w.guildA,
        channelId: w.channels.aReadOnly,
        userId: w.users.memberA,
        name: 'kaltura-start',
        options: { type: 'meeting', title: 'Sneaky' },
      });
      expect(result.ephemeral).toBe(true);
      expect(result.text).toContain(w.channels.aReadOnly);
    },
  },
  {
    item: 1,
    attack:
      "a foreign channel already stored in A's config (written by an older version) receives A's notifications",
    refusal: 'delivery skips it with a logged reason and kd_notifications_total; nothing is posted in B',
    knownBug: KNOWN,
    mayChange: ['meetings'],
    setup: async (ctx) => {
      await ctx.writeOverride(ctx.world.guildA, {
        notifications: { channels: { default: ctx.world.channels.bText } },
      });
    },
    run: async (ctx) => {
      const skippedBefore = await ctx.metric('kd_notifications_total', {
        reason: 'channel_other_guild',
      });
      const res = await createMeeting(ctx, ctx.world.channels.aText);
      expect(res.status).toBe(201);
      await ctx.service.waitForLog(
        (l) => l.msg === 'Notification skipped' && String(l.reason ?? '').includes(ctx.world.channels.bText),
        15_000,
        'the skipped notification',
      );
      expect(
        await ctx.metric('kd_notifications_total', { outcome: 'skipped_channel_other_guild' }),
      ).toBeGreaterThan(skippedBefore);
    },
    teardown: async (ctx) => {
      await ctx.writeOverride(ctx.world.guildA, {});
    },
  },
];
