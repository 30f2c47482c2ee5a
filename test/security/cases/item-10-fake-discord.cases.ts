import { PermissionFlagsBits } from 'discord.js';
import type { AttackCase } from '../harness/types';

/**
 * Issue 17 item 10: the fake Discord must model what hid item 1. These rows are controls: they show that the world
 * the table runs in refuses what real Discord refuses, so a row that passes is not passing because the fake lets
 * everything through.
 */
const post = (ctx: Parameters<AttackCase['run']>[0], channelId: string) =>
  fetch(`${ctx.discord.apiUrl}/v10/channels/${channelId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bot ${ctx.discord.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'control' }),
  }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { code?: number }).code }));

export const cases: AttackCase[] = [
  {
    item: 10,
    attack: 'the bot posts straight into channels it may not post in (control of the fake)',
    refusal:
      'Discord answers 50013 (no Send Messages), 50001 (not visible), 50008 (category), 50013 (thread)',
    victim: 'A',
    run: async (ctx) => {
      const c = ctx.world.channels;
      expect(await post(ctx, c.aReadOnly)).toEqual({ status: 403, code: 50013 });
      expect(await post(ctx, c.aHidden)).toEqual({ status: 403, code: 50001 });
      expect(await post(ctx, c.aCategory)).toEqual({ status: 400, code: 50008 });
      expect(await post(ctx, c.aThread)).toEqual({ status: 403, code: 50013 });
    },
  },
  {
    item: 10,
    attack: 'a command is run in a channel where the bot lacks Send Messages (control of the fake)',
    refusal: 'the interaction carries app_permissions without Send Messages, computed from the overwrites',
    run: async (ctx) => {
      const w = ctx.world;
      const handle = ctx.discord.sendSlashCommand({
        guildId: w.guildA,
        channelId: w.channels.aReadOnly,
        userId: w.users.memberA,
        name: 'kaltura-help',
      });
      await handle.waitFor((r) => r.callback !== null, 15_000, 'an answer to /kaltura-help');
      const dispatched = handle.payload as { app_permissions?: string };
      const app = BigInt(dispatched.app_permissions ?? '-1');
      expect(
        (app & PermissionFlagsBits.SendMessages) === 0n && (app & PermissionFlagsBits.ViewChannel) !== 0n,
      ).toBe(true);
    },
  },
];
