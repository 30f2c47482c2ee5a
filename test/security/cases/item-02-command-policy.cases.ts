import type { AttackCase, AttackContext } from '../harness/types';

/**
 * Issue 17 item 2: guild rules hold on every transport. `commands.enabled` / `commands.permissions` are enforced
 * by the meeting use cases, so a guild that limits `kaltura-start` to its Admins role blocks REST callers too.
 */
const configOf = (ctx: AttackContext) => `/api/v1/guilds/${ctx.world.guildA}/config`;
const meetingsOf = (ctx: AttackContext) => `/api/v1/guilds/${ctx.world.guildA}/meetings`;

const setCommands = async (ctx: AttackContext, commands: object | null) => {
  const res = await ctx.http({
    method: 'PATCH',
    path: configOf(ctx),
    token: ctx.tokens.adminA,
    body: { commands },
  });
  expect(res.status).toBe(200);
};

function expectForbidden(res: Awaited<ReturnType<AttackContext['http']>>, detail: string): void {
  expect({ status: res.status, code: res.body?.code, type: res.headers.get('content-type') }).toEqual({
    status: 403,
    code: 'COMMAND_FORBIDDEN',
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(res.body.detail).toBe(detail);
}

export const cases: AttackCase[] = [
  {
    item: 2,
    attack:
      'guild A limits kaltura-start to its Admins role; a member of A without it starts a meeting over REST',
    refusal: '403 COMMAND_FORBIDDEN with the reason; no meeting',
    victim: 'A',
    setup: (ctx) => setCommands(ctx, { permissions: { 'kaltura-start': ['Admins'] } }),
    run: async (ctx) =>
      expectForbidden(
        await ctx.http({
          method: 'POST',
          path: meetingsOf(ctx),
          token: ctx.tokens.memberA,
          body: { title: 'Bypass', type: 'meeting' },
        }),
        "You don't have a role that may use /kaltura-start in this server.",
      ),
    teardown: (ctx) => setCommands(ctx, null),
  },
  {
    item: 2,
    attack: 'guild A limits kaltura-list to the Admins role id; a member of A lists meetings over REST',
    refusal: '403 COMMAND_FORBIDDEN',
    victim: 'A',
    setup: (ctx) => setCommands(ctx, { permissions: { 'kaltura-list': [ctx.world.roles.adminA] } }),
    run: async (ctx) =>
      expectForbidden(
        await ctx.http({ method: 'GET', path: meetingsOf(ctx), token: ctx.tokens.memberA }),
        "You don't have a role that may use /kaltura-list in this server.",
      ),
    teardown: (ctx) => setCommands(ctx, null),
  },
  {
    item: 2,
    attack: 'guild A switches commands off; its admin starts a meeting over REST',
    refusal: '403 COMMAND_FORBIDDEN (commands are off for everyone, admins included)',
    victim: 'A',
    setup: (ctx) => setCommands(ctx, { enabled: false }),
    run: async (ctx) =>
      expectForbidden(
        await ctx.http({
          method: 'POST',
          path: meetingsOf(ctx),
          token: ctx.tokens.adminA,
          body: { title: 'Switched off', type: 'meeting' },
        }),
        'Kaltura commands are switched off in this server.',
      ),
    teardown: (ctx) => setCommands(ctx, null),
  },
  {
    item: 2,
    attack: 'guild A limits kaltura-start to Admins; a member of A runs /kaltura-start',
    refusal: 'ephemeral refusal with the reason; no meeting, no message',
    victim: 'A',
    setup: (ctx) => setCommands(ctx, { permissions: { 'kaltura-start': ['Admins'] } }),
    run: async (ctx) => {
      const w = ctx.world;
      const result = await ctx.slash({
        guildId: w.guildA,
        channelId: w.channels.aText,
        userId: w.users.memberA,
        name: 'kaltura-start',
        options: { type: 'meeting', title: 'Bypass' },
      });
      expect(result.ephemeral).toBe(true);
      expect(result.text).toContain("You don't have a role that may use /kaltura-start in this server.");
    },
    teardown: (ctx) => setCommands(ctx, null),
  },
];
