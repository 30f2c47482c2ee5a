import { PATCH_LIMITS, patchShapeErrors } from './patch-limits';
import { validateOverride } from './config-validation';
import { guildConfigSchema } from './config.schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuildConfig } from '../config.types';

const defaults = guildConfigSchema.parse(
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'config', 'default_config.json'), 'utf8')),
) as unknown as GuildConfig;

/** `{ a: { a: … { a: 1 } } }`, `levels` objects deep, built without recursion. */
function nested(levels: number): unknown {
  let tree: unknown = 1;
  for (let i = 0; i < levels; i++) tree = { a: tree };
  return tree;
}

describe('patchShapeErrors', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s at any depth, naming its path', (key) => {
    const tree = JSON.parse(`{"roles":{"mapping":{"${key}":"admin"}},"${key}":{"x":1}}`) as unknown;
    const errors = patchShapeErrors(tree);
    expect(errors.map((e) => e.field).sort()).toEqual([key, `roles.mapping.${key}`].sort());
    expect(errors[0].message).toContain(`"${key}" is not allowed`);
  });

  it('accepts keys that merely contain the words, and arrays of any content', () => {
    expect(patchShapeErrors({ roles: { mapping: { constructors: 'admin', Proto: 'viewer' } } })).toEqual([]);
    expect(patchShapeErrors({ commands: { permissions: { 'kaltura-start': ['constructor'] } } })).toEqual([]);
  });

  it('refuses a tree nested deeper than the limit, and 5,000 levels without a stack overflow', () => {
    expect(patchShapeErrors(nested(PATCH_LIMITS.maxDepth))).toEqual([]);
    expect(patchShapeErrors(nested(PATCH_LIMITS.maxDepth + 1))[0].message).toBe(
      `nests deeper than ${PATCH_LIMITS.maxDepth} levels`,
    );
    const deep = JSON.parse(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`) as unknown;
    const errors = patchShapeErrors(deep);
    expect(errors).toHaveLength(1);
    expect(errors[0].field.split('.')).toHaveLength(PATCH_LIMITS.maxDepth);
    let arrays: unknown = 1;
    for (let i = 0; i < 5_000; i++) arrays = [arrays];
    expect(patchShapeErrors(arrays)[0].message).toContain('deeper');
  });

  it('refuses a patch larger than 64 KiB as JSON, counting UTF-8 bytes', () => {
    const big = { notifications: { templates: { meeting_end: 'é'.repeat(PATCH_LIMITS.maxBytes / 2) } } };
    expect(patchShapeErrors(big)[0]).toEqual({
      field: '(body)',
      message: expect.stringContaining(`at most ${PATCH_LIMITS.maxBytes} bytes`) as unknown,
    });
    expect(patchShapeErrors({ notifications: { templates: { meeting_end: 'x'.repeat(2_000) } } })).toEqual(
      [],
    );
  });
});

describe('validateOverride', () => {
  it('refuses a __proto__ key the schema library would skip, and returns the schema output otherwise', () => {
    const hostile = JSON.parse('{"roles":{"mapping":{"__proto__":{"polluted":true}}}}') as unknown;
    const refused = validateOverride(hostile, defaults);
    expect(refused).toEqual({
      ok: false,
      errors: [{ field: 'roles.mapping.__proto__', message: expect.any(String) as unknown }],
    });
    const good = { roles: { mapping: { Teachers: 'admin' } } };
    const checked = validateOverride(good, defaults);
    expect(checked).toEqual({ ok: true, value: good });
    expect(checked.ok && checked.value).not.toBe(good);
  });
});
