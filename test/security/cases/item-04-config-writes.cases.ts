import type { AttackCase, AttackContext } from '../harness/types';

/**
 * Issue 17 item 4: config writes store what was validated. Prototype keys are refused at any depth, patches are
 * bounded in depth (16) and size (64 KiB), and a refused change stores nothing and never answers "Updated".
 */
const patchRaw = (ctx: AttackContext, body: string) =>
  ctx.http({
    method: 'PATCH',
    path: `/api/v1/guilds/${ctx.world.guildA}/config`,
    token: ctx.tokens.adminA,
    body,
    headers: { 'Content-Type': 'application/merge-patch+json' },
  });

function expectRefused(res: Awaited<ReturnType<AttackContext['http']>>, field: string): void {
  expect({ status: res.status, code: res.body?.code, type: res.headers.get('content-type') }).toEqual({
    status: 400,
    code: 'VALIDATION_FAILED',
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
}

export const cases: AttackCase[] = [
  ...(['__proto__', 'constructor', 'prototype'] as const).map((key): AttackCase => ({
    item: 4,
    attack: `the admin of A stores a role mapping and a section under "${key}"`,
    refusal: `400 VALIDATION_FAILED naming roles.mapping.${key} and ${key}; nothing stored`,
    victim: 'A',
    run: async (ctx) => {
      expectRefused(await patchRaw(ctx, `{"roles":{"mapping":{"${key}":"admin"}}}`), `roles.mapping.${key}`);
      expectRefused(
        await patchRaw(ctx, `{"roles":{"mapping":{"${key}":{"polluted":"admin"}}}}`),
        `roles.mapping.${key}`,
      );
      expectRefused(await patchRaw(ctx, `{"${key}":{"commands":{"enabled":false}}}`), key);
    },
  })),
  {
    item: 4,
    attack: 'the admin of A sends a merge patch nested 5,000 levels deep',
    refusal: '400 VALIDATION_FAILED (nests deeper than 16 levels), not a stack overflow; nothing stored',
    victim: 'A',
    run: async (ctx) => {
      const res = await patchRaw(ctx, `{"roles":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_001)}`);
      expect({ status: res.status, code: res.body?.code }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.text).toContain('nests deeper than 16 levels');
    },
  },
  {
    item: 4,
    attack: 'the admin of A sends a config patch over 64 KiB (under the 100 kB body limit)',
    refusal: '400 VALIDATION_FAILED naming the size limit; nothing stored',
    victim: 'A',
    run: async (ctx) => {
      const mapping = Object.fromEntries(
        Array.from({ length: 700 }, (_, i) => [`Role ${i} ${'r'.repeat(80)}`, 'viewer']),
      );
      const res = await patchRaw(ctx, JSON.stringify({ roles: { mapping } }));
      expectRefused(res, '(body)');
      expect(res.text).toContain('at most 65536 bytes');
    },
  },
  {
    item: 4,
    attack: 'the admin of A runs /kaltura-config-update roles mapping.__proto__ admin',
    refusal: 'ephemeral refusal naming the key, never "Updated"; nothing stored',
    victim: 'A',
    run: async (ctx) => {
      const w = ctx.world;
      const result = await ctx.slash({
        guildId: w.guildA,
        channelId: w.channels.aText,
        userId: w.users.adminA,
        name: 'kaltura-config-update',
        options: { section: 'roles', key: 'mapping.__proto__', value: 'admin' },
      });
      expect(result.ephemeral).toBe(true);
      expect(result.text).toContain('roles.mapping.__proto__');
      expect(result.text).not.toContain('Updated');
    },
  },
];
