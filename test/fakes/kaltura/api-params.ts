/**
 * How api_v3 reads request parameters: JSON bodies as they are; form bodies (and query strings) with nested
 * keys written `a[b][c]` or `a:b:c` (multirequest: `1:service`, `1:user:id`).
 */

export type Params = Record<string, unknown>;

/** Request-level fields that are not action parameters. */
export const ENVELOPE_FIELDS = [
  'ks',
  'kalsig',
  'format',
  'apiVersion',
  'clientTag',
  'language',
  'responseProfile',
];

function setPath(target: Params, path: string[], value: string): void {
  let node = target;
  path.forEach((segment, i) => {
    if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype') return;
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Params;
  });
}

/** `a[b][c]` or `a:b:c` → `['a','b','c']`. */
export function keyPath(key: string): string[] {
  return key
    .replace(/\]/g, '')
    .split(/[[:]/)
    .filter((s) => s !== '');
}

/** Flat `key=value` pairs → nested params. */
export function nestPairs(pairs: Iterable<[string, string]>): Params {
  const out: Params = {};
  for (const [key, value] of pairs) setPath(out, keyPath(key), value);
  return out;
}

/** Parses a request body by its content type; query-string params are merged underneath. */
export function parseParams(contentType: string | undefined, body: string, query: URLSearchParams): Params {
  const params = nestPairs(query.entries());
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (body.trim() === '') return params;
  if (type === 'application/json' || (type === '' && body.trim().startsWith('{'))) {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new SyntaxError('not an object');
    return { ...params, ...(parsed as Params) };
  }
  return { ...params, ...nestPairs(new URLSearchParams(body).entries()) };
}

const REFERENCE = /\{(\d+):result:?([^}]*)\}/;

function valueAt(result: unknown, path: string[]): unknown {
  let node = result;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Params)[segment];
  }
  return node;
}

/**
 * Replaces `{N:result:path}` strings with values from earlier multirequest results (N is 1-based), as the
 * server does: a reference to a failed or missing result becomes null (and the action then fails validation).
 */
export function resolveReferences(params: unknown, results: unknown[], failed: Set<number>): unknown {
  if (typeof params === 'string') {
    const match = REFERENCE.exec(params);
    if (!match) return params;
    const index = Number(match[1]) - 1;
    if (index < 0 || index >= results.length || failed.has(index)) return undefined;
    const path = match[2] === '' ? [] : match[2].split(':');
    return valueAt(results[index], path);
  }
  if (Array.isArray(params)) return params.map((v) => resolveReferences(v, results, failed));
  if (typeof params === 'object' && params !== null) {
    const out: Params = {};
    for (const [k, v] of Object.entries(params)) {
      const resolved = resolveReferences(v, results, failed);
      if (resolved !== undefined) out[k] = resolved;
    }
    return out;
  }
  return params;
}

/** Splits envelope fields (ks, format, …) from action parameters. */
export function splitEnvelope(params: Params): { envelope: Params; action: Params } {
  const envelope: Params = {};
  const action: Params = {};
  for (const [k, v] of Object.entries(params)) (ENVELOPE_FIELDS.includes(k) ? envelope : action)[k] = v;
  return { envelope, action };
}
