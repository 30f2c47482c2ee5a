import type { z } from 'zod';
import type { FieldError } from '../../../platform/errors';
import { COMMAND_NAMES, GuildConfig, JsonObject } from '../config.types';
import { guildConfigSchema, overrideSchema } from './config.schema';
import { patchShapeErrors } from './patch-limits';

/** Outcome of validating a configuration tree: the typed value, or every problem with its dotted key. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const keyOf = (path: ReadonlyArray<PropertyKey>) => path.map(String).join('.') || '(root)';

function unknownKeyMessage(path: ReadonlyArray<PropertyKey>, known: string[]): string {
  const parent = path.map(String).join('.');
  if (parent === 'commands.permissions')
    return `is not a command of this bot (commands: ${COMMAND_NAMES.join(', ')})`;
  if (parent === 'features') return `is not a known feature (features: ${known.join(', ') || 'none'})`;
  return 'is not a known setting';
}

/** Zod issues → `{ field, message }` naming the exact key, the shape problem+json and Discord replies use. */
export function toFieldErrors(issues: z.core.$ZodIssue[], knownFeatures: string[] = []): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({
        field: keyOf([...issue.path, k]),
        message: unknownKeyMessage(issue.path, knownFeatures),
      }));
    }
    if (issue.code === 'invalid_key') {
      return issue.issues.map((inner) => ({ field: keyOf(issue.path), message: `key ${inner.message}` }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      return toFieldErrors(issue.errors[0], knownFeatures);
    }
    return [{ field: keyOf(issue.path), message: issue.message }];
  });
}

/** Checks a complete configuration (defaults file, effective config). */
export function validateConfig(value: unknown): ValidationResult<GuildConfig> {
  const shape = patchShapeErrors(value);
  if (shape.length > 0) return { ok: false, errors: shape };
  const parsed = guildConfigSchema.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data as unknown as GuildConfig }
    : { ok: false, errors: toFieldErrors(parsed.error.issues) };
}

const overrideSchemas = new Map<string, ReturnType<typeof overrideSchema>>();

/**
 * Checks a stored or patched override against the defaults it applies to (which decide the feature flags).
 * `value` on success is the schema's output: what a writer stores, never the input it was given.
 */
export function validateOverride(value: unknown, defaults: GuildConfig): ValidationResult<JsonObject> {
  const shape = patchShapeErrors(value);
  if (shape.length > 0) return { ok: false, errors: shape };
  const features = Object.keys(defaults.features);
  const cacheKey = features.join(',');
  let schema = overrideSchemas.get(cacheKey);
  if (!schema) overrideSchemas.set(cacheKey, (schema = overrideSchema(features)));
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data as JsonObject }
    : { ok: false, errors: toFieldErrors(parsed.error.issues, features) };
}
