import type { JsonObject, JsonValue } from '../config.types';

/** A plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

function clone<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/**
 * Sets an own property even for keys like `__proto__` (JSON.parse makes them own keys; plain assignment would
 * change the object's prototype instead), so validation sees them and refuses them by name.
 */
function put(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Defaults ← override: objects are merged key by key, arrays and scalars replace what they override (a
 * permissions list is a whole, not something to append to). Returns a new tree; the inputs are untouched.
 */
export function deepMerge(base: JsonObject, override: JsonObject): JsonObject {
  const out: JsonObject = clone(base);
  for (const [key, value] of Object.entries(override)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    put(out, key, isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : clone(value));
  }
  return out;
}

/**
 * RFC 7396 JSON merge patch: `null` deletes, objects recurse, anything else replaces. Returns a new value.
 */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isPlainObject(patch)) return clone(patch);
  const out: JsonObject = isPlainObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else put(out, key, applyMergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}

/**
 * Drops from an override everything that equals the defaults, and the objects left empty: what is stored is
 * only what the guild really changed, so later changes to the defaults reach every guild that did not.
 */
export function pruneDefaults(override: JsonObject, defaults: JsonValue | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(override)) {
    const base = isPlainObject(defaults) && Object.hasOwn(defaults, key) ? defaults[key] : undefined;
    if (isPlainObject(value)) {
      const pruned = pruneDefaults(value, base);
      if (Object.keys(pruned).length > 0) put(out, key, pruned);
    } else if (!jsonEqual(value, base)) {
      put(out, key, clone(value));
    }
  }
  return out;
}

/** One leaf of a tree: scalars, arrays and empty objects are leaves. */
export interface JsonLeaf {
  path: string[];
  key: string;
  value: JsonValue;
}

/** Every leaf of a JSON tree with its dotted key (`roles.mapping.<role>`). */
export function flatten(tree: JsonValue, prefix: string[] = []): JsonLeaf[] {
  if (isPlainObject(tree) && (Object.keys(tree).length > 0 || prefix.length === 0)) {
    return Object.entries(tree).flatMap(([k, v]) => flatten(v, [...prefix, k]));
  }
  return [{ path: prefix, key: prefix.join('.'), value: tree }];
}

/** The value at a path, or undefined. */
export function valueAt(tree: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = tree;
  for (const segment of path) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

/** A tree holding `value` at `path` (builds merge patches from a single key). */
export function nest(path: readonly string[], value: JsonValue): JsonObject {
  const [head, ...rest] = path;
  return { [head]: rest.length === 0 ? value : nest(rest, value) };
}

const isEmptyObject = (v: JsonValue): boolean => isPlainObject(v) && Object.keys(v).length === 0;

/** Keys whose value differs between two trees, with both values (`null` when absent). */
export function diffLeaves(
  before: JsonObject,
  after: JsonObject,
): Array<{ key: string; old: JsonValue; new: JsonValue }> {
  // An empty map is not a setting of its own: adding its first entry changes that entry only.
  const leaves = (tree: JsonObject) =>
    new Map(flatten(tree).flatMap((l) => (isEmptyObject(l.value) ? [] : [[l.key, l.value] as const])));
  const a = leaves(before);
  const b = leaves(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys
    .filter((k) => !jsonEqual(a.get(k), b.get(k)))
    .map((k) => ({ key: k, old: a.get(k) ?? null, new: b.get(k) ?? null }));
}

/** Freezes a tree in place so a cached configuration shared between callers cannot be changed by one. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
