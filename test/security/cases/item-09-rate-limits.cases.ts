import type { AttackCase, AttackContext } from '../harness/types';

/**
 * Issue 17 item 9: commands are rate-limited. Per-member and per-guild command budgets on every transport, caps
 * on active meetings, a duplicate-start guard. Each row sets guild A's limits in `setup` with a window length of
 * its own: budgets count per window length, so a row's spent budget does not leak into the rows after it. Only
 * the last row that sets limits puts A back: every `writeOverride` polls the config route with A's admin token,
 * and that token's HTTP budget (120 requests a minute) is shared by the whole table.
 */
const limits = (ctx: AttackContext, windowSeconds: number, extra: object = {}) =>
  ctx.writeOverride(ctx.world.guildA, {
    limits: { commands: { perMember: 3, perGuild: 50, windowSeconds }, ...extra },
  });
const reset = (ctx: AttackContext) => ctx.writeOverride(ctx.world.guildA, {});

const meetings = (ctx: AttackContext) => `/api/v1/guilds/${ctx.world.guildA}/meetings`;
const start = (ctx: AttackContext, title: string) =>
  ctx.http({
    method: 'POST',
    path: meetings(ctx),
    token: ctx.tokens.memberA,
    body: { title, type: 'meeting', channelId: ctx.world.channels.aText },
  });
/** Ends what a row started (as A's admin: the host's own budget may be spent). */
async function endAll(ctx: AttackContext, ids: string[]): Promise<void> {
  for (const id of ids)
    await ctx.http({ method: 'DELETE', path: `${meetings(ctx)}/${id}`, token: ctx.tokens.adminA });
}

let started: string[] = [];

export const cases: AttackCase[] = [
  {
    item: 9,
    attack: 'a member of A floods the meetings API (list) past their command budget',
    refusal: '429 COMMAND_RATE_LIMITED problem+json with Retry-After within the window; metric counted',
    victim: 'A',
    setup: (ctx) => limits(ctx, 7),
    run: async (ctx) => {
      const before = await ctx.metric('kd_command_limited_total', {
        command: 'kaltura-list',
        scope: 'member',
      });
      const list = () => ctx.http({ method: 'GET', path: meetings(ctx), token: ctx.tokens.memberA });
      for (let i = 0; i < 3; i++) expect((await list()).status).toBe(200);
      const limited = await list();
      expect({ status: limited.status, code: limited.body?.code }).toEqual({
        status: 429,
        code: 'COMMAND_RATE_LIMITED',
      });
      expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(7);
      expect(await ctx.metric('kd_command_limited_total', { command: 'kaltura-list', scope: 'member' })).toBe(
        before + 1,
      );
    },
  },
  {
    item: 9,
    attack: 'a member of A floods /kaltura-list past their command budget',
    refusal: 'an ephemeral answer with the time to retry as a Discord timestamp',
    victim: 'A',
    setup: (ctx) => limits(ctx, 8),
    run: async (ctx) => {
      const w = ctx.world;
      const list = () =>
        ctx.slash({
          guildId: w.guildA,
          channelId: w.channels.aText,
          userId: w.users.memberA,
          name: 'kaltura-list',
        });
      for (let i = 0; i < 3; i++) expect((await list()).text).not.toMatch(/too quickly/);
      const limited = await list();
      expect(limited.ephemeral).toBe(true);
      expect(limited.text).toMatch(/^You are using meeting commands too quickly\. Try again <t:\d+:R>\.$/);
    },
  },
  {
    item: 9,
    attack: 'a member of A starts meetings (each a Kaltura room) past the cap of active meetings per host',
    refusal:
      '409 ACTIVE_MEETINGS_LIMIT once the member hosts 2; no further room (meetings: the ones under the cap)',
    mayChange: ['meetings'],
    setup: (ctx) => limits(ctx, 9, { meetings: { activePerHost: 2, activePerGuild: 200 } }),
    run: async (ctx) => {
      started = [];
      let refused;
      for (let i = 0; i < 3 && !refused; i++) {
        const res = await start(ctx, `Flood ${i}`);
        if (res.status === 201) started.push(res.body.meeting.id);
        else refused = res;
      }
      expect({ status: refused?.status, code: refused?.body?.code }).toEqual({
        status: 409,
        code: 'ACTIVE_MEETINGS_LIMIT',
      });
      const active = await ctx.http({ method: 'GET', path: meetings(ctx), token: ctx.tokens.adminA });
      const mine = active.body.items.filter((m: { hostId: string }) => m.hostId === ctx.world.users.memberA);
      expect(mine).toHaveLength(2);
    },
    teardown: (ctx) => endAll(ctx, started),
  },
  {
    item: 9,
    attack: 'a member of A sends the same start twice at once (double click, retrying client)',
    refusal: 'one meeting and one Kaltura room: 201 and 200 with the same meeting (meetings: that one)',
    mayChange: ['meetings'],
    setup: (ctx) => limits(ctx, 10, { meetings: { activePerHost: 20, activePerGuild: 200 } }),
    run: async (ctx) => {
      const [a, b] = await Promise.all([start(ctx, 'Twice at once'), start(ctx, 'Twice at once')]);
      expect([a.status, b.status].sort()).toEqual([200, 201]);
      expect(a.body.meeting.id).toBe(b.body.meeting.id);
      started = [a.body.meeting.id];
      const active = await ctx.http({ method: 'GET', path: meetings(ctx), token: ctx.tokens.adminA });
      expect(active.body.items.filter((m: { title: string }) => m.title === 'Twice at once')).toHaveLength(1);
    },
    teardown: async (ctx) => {
      await endAll(ctx, started);
      await reset(ctx);
    },
  },
  {
    item: 9,
    attack: 'an admin of A lifts the member budget past its bound (/kaltura-config-update) to flood Kaltura',
    refusal: 'an ephemeral error naming the bound; nothing stored',
    victim: 'A',
    run: async (ctx) => {
      const w = ctx.world;
      const result = await ctx.slash({
        guildId: w.guildA,
        channelId: w.channels.aText,
        userId: w.users.adminA,
        name: 'kaltura-config-update',
        options: { section: 'limits', key: 'commands.perMember', value: '1000000' },
      });
      expect(result.ephemeral).toBe(true);
      expect(result.text).toContain('must be at most 100');
      expect(result.text).not.toMatch(/^Updated/);
    },
  },
];
