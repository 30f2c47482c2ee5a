import type { FieldError } from '../../../platform/errors';

/**
 * Bounds of a configuration change. The whole configuration nests 4 levels deep and its largest legal form
 * (250 role mappings, every template at Discord's 2,000 characters) stays well under 64 KiB, so these refuse
 * nothing a guild can use, while keeping every recursive step (merge, diff, validation) small and bounded.
 */
export const PATCH_LIMITS = {
  /** Objects and arrays nested in one another, the patch itself counting as 1. */
  maxDepth: 16,
  /** UTF-8 bytes of the patch as JSON. */
  maxBytes: 64 * 1024,
} as const;

/**
 * Keys refused at any depth: they name or reach `Object.prototype` wherever a key meets a plain object
 * (`obj[key]`, `key in obj`), and the schema library silently skips `__proto__`, so it could not refuse them.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_KEY_ERRORS = 10;

/**
 * What is wrong with the shape of a configuration tree before any recursive code touches it: too deep, a
 * forbidden key (each named by its dotted path), or too large. Iterative, so a tree nested thousands of levels
 * deep is refused without a stack overflow. Empty when the tree is fine.
 */
export function patchShapeErrors(tree: unknown, limits = PATCH_LIMITS): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ node: unknown; path: string[]; depth: number }> = [{ node: tree, path: [], depth: 1 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as { node: unknown; path: string[]; depth: number };
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limits.maxDepth) {
      // One error is enough, and walking on would only cost time on a hostile tree.
      return [
        {
          field: path.slice(0, limits.maxDepth).join('.') || '(body)',
          message: `nests deeper than ${limits.maxDepth} levels`,
        },
      ];
    }
    const entries = Array.isArray(node)
      ? node.map((v, i) => [String(i), v] as const)
      : Object.keys(node).map((k) => [k, (node as Record<string, unknown>)[k]] as const);
    const children: Array<{ node: unknown; path: string[]; depth: number }> = [];
    for (const [key, value] of entries) {
      if (!Array.isArray(node) && FORBIDDEN_KEYS.has(key)) {
        if (errors.length < MAX_KEY_ERRORS) {
          errors.push({
            field: [...path, key].join('.'),
            message: `"${key}" is not allowed as a key (it names a JavaScript object internal)`,
          });
        }
        continue;
      }
      children.push({ node: value, path: [...path, key], depth: depth + 1 });
    }
    // Reversed onto the stack, so errors come out in document order.
    stack.push(...children.reverse());
  }
  if (errors.length > 0) return errors;
  const bytes = Buffer.byteLength(JSON.stringify(tree) ?? '', 'utf8');
  if (bytes > limits.maxBytes) {
    return [
      {
        field: '(body)',
        message: `is ${bytes} bytes as JSON; a configuration change may be at most ${limits.maxBytes} bytes`,
      },
    ];
  }
  return [];
}
