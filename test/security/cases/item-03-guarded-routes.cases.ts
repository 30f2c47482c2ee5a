import type { AttackCase, AttackContext } from '../harness/types';

/**
 * Issue 17 item 3: no fail-open guard. The config routes carry the guild-admin guard like every admin route, in
 * every mode; every `/api/v1` controller lives in one REST module.
 */
const configOf = (ctx: AttackContext, guildId = ctx.world.guildA) => `/api/v1/guilds/${guildId}/config`;

export const cases: AttackCase[] = [
  {
    item: 3,
    attack: 'an anonymous caller reads and patches the config of guild A',
    refusal: '401 AUTH_REQUIRED for each; nothing stored',
    victim: 'A',
    run: async (ctx) => {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await ctx.http({
          method,
          path: configOf(ctx),
          ...(method === 'PATCH' ? { body: { commands: { enabled: false } } } : {}),
        });
        expect({ method, status: res.status, code: res.body?.code }).toEqual({
          method,
          status: 401,
          code: 'AUTH_REQUIRED',
        });
      }
    },
  },
  {
    item: 3,
    attack: 'a member of A (not an admin) patches and resets the config of guild A',
    refusal: '403 INSUFFICIENT_ROLE; nothing stored',
    victim: 'A',
    run: async (ctx) => {
      const patch = await ctx.http({
        method: 'PATCH',
        path: configOf(ctx),
        token: ctx.tokens.memberA,
        body: { commands: { enabled: false } },
      });
      expect({ status: patch.status, code: patch.body?.code }).toEqual({
        status: 403,
        code: 'INSUFFICIENT_ROLE',
      });
      const reset = await ctx.http({ method: 'DELETE', path: configOf(ctx), token: ctx.tokens.memberA });
      expect({ status: reset.status, code: reset.body?.code }).toEqual({
        status: 403,
        code: 'INSUFFICIENT_ROLE',
      });
    },
  },
  {
    item: 3,
    attack: "the admin of A reads and patches guild B's config and its notification status",
    refusal: '403 GUILD_FORBIDDEN for each; nothing stored',
    run: async (ctx) => {
      const b = ctx.world.guildB;
      const exchanges = [
        await ctx.http({ method: 'GET', path: configOf(ctx, b), token: ctx.tokens.adminA }),
        await ctx.http({
          method: 'PATCH',
          path: configOf(ctx, b),
          token: ctx.tokens.adminA,
          body: { notifications: { channels: { default: ctx.world.channels.aText } } },
        }),
        await ctx.http({
          method: 'GET',
          path: `/api/v1/guilds/${b}/notifications`,
          token: ctx.tokens.adminA,
        }),
      ];
      for (const res of exchanges) {
        expect({ path: res.path, status: res.status, code: res.body?.code }).toEqual({
          path: res.path,
          status: 403,
          code: 'GUILD_FORBIDDEN',
        });
      }
    },
  },
];
