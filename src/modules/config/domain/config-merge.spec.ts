import type { JsonObject, JsonValue } from '../config.types';
import {
  applyMergePatch,
  deepFreeze,
  deepMerge,
  diffLeaves,
  flatten,
  jsonEqual,
  nest,
  pruneDefaults,
  valueAt,
} from './config-merge';

describe('deepMerge (defaults ← override)', () => {
  const defaults: JsonObject = {
    notifications: { enabled: true, types: { a: true, b: false }, channels: { default: null } },
    commands: { permissions: { start: ['@everyone'], end: ['@everyone'] } },
    roles: { mapping: { Mods: 'moderator' } },
  };

  it('merges nested maps key by key: the override wins where it speaks, the defaults elsewhere', () => {
    const merged = deepMerge(defaults, {
      notifications: { types: { b: true }, channels: { meeting_end: 'alerts' } },
      roles: { mapping: { Admins: 'admin' } },
    });
    expect(merged).toEqual({
      notifications: {
        enabled: true,
        types: { a: true, b: true },
        channels: { default: null, meeting_end: 'alerts' },
      },
      commands: { permissions: { start: ['@everyone'], end: ['@everyone'] } },
      roles: { mapping: { Mods: 'moderator', Admins: 'admin' } },
    });
  });

  it('replaces arrays instead of merging or appending them', () => {
    const merged = deepMerge(defaults, { commands: { permissions: { start: ['Teachers'] } } });
    expect(valueAt(merged, ['commands', 'permissions', 'start'])).toEqual(['Teachers']);
    expect(valueAt(merged, ['commands', 'permissions', 'end'])).toEqual(['@everyone']);
  });

  it('replaces scalars, including with null, and a scalar by an object or the reverse', () => {
    expect(deepMerge({ a: { b: 1 } }, { a: 2 })).toEqual({ a: 2 });
    expect(deepMerge({ a: 2 }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    expect(deepMerge({ c: 'x' }, { c: null })).toEqual({ c: null });
  });

  it('leaves both inputs untouched and shares nothing with them', () => {
    const override: JsonObject = { roles: { mapping: { X: 'admin' } } };
    const snapshot = structuredClone([defaults, override]);
    const merged = deepMerge(defaults, override);
    (merged.roles as JsonObject).mapping = {};
    expect([defaults, override]).toEqual(snapshot);
  });
});

describe('applyMergePatch (RFC 7396)', () => {
  // The test vectors of RFC 7396, appendix A.
  it.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j gives %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('keeps a "__proto__" key as a plain own key (for validation to refuse), never as a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as JsonObject;
    const result = applyMergePatch({}, patch) as JsonObject;
    expect(Object.keys(result)).toEqual(['__proto__', 'a']);
    expect('polluted' in result).toBe(false); // the prototype was not replaced
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(deepMerge({}, patch))).toEqual(['__proto__', 'a']);
  });

  it('does not modify the target', () => {
    const target: JsonObject = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('pruneDefaults', () => {
  const defaults: JsonObject = {
    n: { enabled: true, types: { a: true } },
    c: { p: { start: ['@everyone'] } },
    f: {},
  };

  it('keeps only what differs from the defaults and drops objects left empty', () => {
    expect(
      pruneDefaults(
        { n: { enabled: true, types: { a: false } }, c: { p: { start: ['@everyone'] } } },
        defaults,
      ),
    ).toEqual({ n: { types: { a: false } } });
  });

  it('keeps keys the defaults do not have (new map entries) and arrays that differ', () => {
    expect(pruneDefaults({ c: { p: { start: ['A'], end: ['B'] } }, f: {} }, defaults)).toEqual({
      c: { p: { start: ['A'], end: ['B'] } },
    });
  });

  it('prunes to nothing when everything equals the defaults', () => {
    expect(pruneDefaults(structuredClone(defaults), defaults)).toEqual({});
  });
});

describe('flatten, valueAt, nest, diffLeaves, jsonEqual, deepFreeze', () => {
  it('flattens to dotted leaves, arrays and empty objects being leaves', () => {
    expect(flatten({ a: { b: 1, c: [1, 2] }, d: {}, 'e.f': { g: null } })).toEqual([
      { path: ['a', 'b'], key: 'a.b', value: 1 },
      { path: ['a', 'c'], key: 'a.c', value: [1, 2] },
      { path: ['d'], key: 'd', value: {} },
      { path: ['e.f', 'g'], key: 'e.f.g', value: null },
    ]);
  });

  it('finds values by path segments (keys may contain dots) and builds trees from one', () => {
    const tree = { roles: { mapping: { 'Team.Lead': 'admin' } } };
    expect(valueAt(tree, ['roles', 'mapping', 'Team.Lead'])).toBe('admin');
    expect(valueAt(tree, ['roles', 'nothing'])).toBeUndefined();
    expect(valueAt(tree, ['roles', 'mapping', 'Team.Lead', 'deeper'])).toBeUndefined();
    expect(nest(['roles', 'mapping', 'Team.Lead'], null)).toEqual({
      roles: { mapping: { 'Team.Lead': null } },
    });
  });

  it('lists changed leaves with old and new values, an empty map not counting as a value', () => {
    expect(diffLeaves({ a: { b: 1, c: 2 }, m: {} }, { a: { b: 1, c: 3 }, m: { x: 'admin' } })).toEqual([
      { key: 'a.c', old: 2, new: 3 },
      { key: 'm.x', old: null, new: 'admin' },
    ]);
  });

  it('compares JSON structurally, ignoring key order', () => {
    expect(jsonEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });

  it('freezes deeply, so a shared cached config cannot be changed by a caller', () => {
    const frozen = deepFreeze({ a: { b: [1] } });
    expect(() => {
      (frozen.a.b as number[]).push(2);
    }).toThrow(TypeError);
  });
});
