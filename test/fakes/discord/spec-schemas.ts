/**
 * Request bodies checked against Discord's own published API description: the zod schemas that the npm package
 * `discord-api-spec` generates from discord/discord-api-spec (OpenAPI). A body that does not match answers 400 /
 * 50035 Invalid Form Body with an `errors` tree, as Discord does.
 *
 * Loading: the package ships ESM only (`exports` has only an `import` condition; the zod file's single import is
 * `import * as z from "zod/mini"`), which neither jest's CommonJS module system nor a plain `require` can load.
 * Rather than a build step or `--experimental-vm-modules`, this module reads the generated file and rewrites its
 * two ESM forms (that import, and `export const X =`) to CommonJS, then evaluates it with this module's `require`
 * (so jest resolves `zod/mini` as usual). The rewrite checks that no other ESM syntax is left and fails loudly,
 * naming the package, when a new release changes the shape. The version is pinned in package.json.
 *
 * zod counts string lengths in UTF-16 units; Discord counts code points (see validation.ts). A length issue whose
 * value fits when counted in code points is dropped.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DiscordErrorBody } from './validation';
import { codePoints } from './validation';

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  inclusive?: boolean;
  expected?: string;
  values?: unknown[];
  errors?: ZodIssueLike[][];
}
interface SchemaLike {
  safeParse(input: unknown): { success: true } | { success: false; error: { issues: ZodIssueLike[] } };
}
type Schemas = Record<string, SchemaLike>;

const SPEC_FILE = join('node_modules', 'discord-api-spec', 'build', 'discord-api-spec.zod.js');

function findSpecFile(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, SPEC_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`FakeDiscord: ${SPEC_FILE} not found (npm ci installs it)`);
  }
}

let loaded: Schemas | null = null;

/** The package's schemas by export name (loaded once per module registry). */
export function specSchemas(): Schemas {
  if (loaded) return loaded;
  const source = readFileSync(findSpecFile(), 'utf8');
  const commonjs = source
    .replace(/^import \* as z from "zod\/mini";$/m, 'const z = require("zod/mini");')
    .replace(/^export const (\w+) =/gm, 'const $1 = exports.$1 =');
  if (/^\s*(import|export)\b/m.test(commonjs)) {
    throw new Error('FakeDiscord: discord-api-spec changed shape (ESM left after the CommonJS rewrite)');
  }
  const exported: Schemas = {};
  new Function('require', 'exports', commonjs)(require, exported);
  loaded = exported;
  return exported;
}

/** Picks the schema for a body (bodies of one route may differ by a discriminator, e.g. callback `type`). */
type SchemaPick = (body: unknown) => { schema: string; array?: boolean } | { error: DiscordErrorBody };

const fixed =
  (schema: string, array = false): SchemaPick =>
  () => ({ schema, array });

/** Interaction callback request schemas by callback type (the spec's union for this route, split by `type`). */
const CALLBACK_SCHEMAS: Record<number, string> = {
  1: 'PongInteractionCallbackRequestSchema',
  4: 'CreateMessageInteractionCallbackRequestSchema',
  5: 'CreateMessageInteractionCallbackRequestSchema',
  6: 'UpdateMessageInteractionCallbackRequestSchema',
  7: 'UpdateMessageInteractionCallbackRequestSchema',
  8: 'ApplicationCommandAutocompleteCallbackRequestSchema',
  9: 'ModalInteractionCallbackRequestSchema',
  12: 'LaunchActivityInteractionCallbackRequestSchema',
};

const callbackPick: SchemaPick = (body) => {
  const type = (body as { type?: unknown } | null)?.type;
  const schema = typeof type === 'number' ? CALLBACK_SCHEMAS[type] : undefined;
  return schema
    ? { schema }
    : {
        error: invalidForm({
          type: {
            _errors: [
              {
                code: 'BASE_TYPE_CHOICES',
                message: `Value must be one of ${Object.keys(CALLBACK_SCHEMAS).join(', ')}.`,
              },
            ],
          },
        }),
      };
};

/**
 * Route (as the fake names it) → the request-body schema the OpenAPI description gives that operation. Routes that
 * take no body (GET, DELETE) are not listed; `POST /oauth2/token` (form-encoded) is not in the description.
 */
export const ROUTE_SCHEMAS: Readonly<Record<string, SchemaPick>> = {
  'POST /channels/:channel/messages': fixed('MessageCreateRequestSchema'),
  'PATCH /channels/:channel/messages/:message': fixed('MessageEditRequestPartialSchema'),
  'POST /interactions/:id/:token/callback': callbackPick,
  // The spec allows IncomingWebhookRequestPartial | IncomingWebhookUpdateRequestPartial; executing (a followup)
  // is the first.
  'POST /webhooks/:app/:token': fixed('IncomingWebhookRequestPartialSchema'),
  'PATCH /webhooks/:app/:token/messages/@original': fixed('IncomingWebhookUpdateRequestPartialSchema'),
  'PATCH /webhooks/:app/:token/messages/:message': fixed('IncomingWebhookUpdateRequestPartialSchema'),
  'PUT /applications/:app/commands': fixed('ApplicationCommandUpdateRequestSchema', true),
  'POST /applications/:app/commands': fixed('ApplicationCommandCreateRequestSchema'),
  'PUT /applications/:app/guilds/:guild/commands': fixed('ApplicationCommandUpdateRequestSchema', true),
  'POST /applications/:app/guilds/:guild/commands': fixed('ApplicationCommandCreateRequestSchema'),
};

function invalidForm(errors: Record<string, unknown>): DiscordErrorBody {
  return { code: 50035, message: 'Invalid Form Body', errors };
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** False when zod's UTF-16 length complaint does not hold in code points (Discord's count). */
function holdsInCodePoints(issue: ZodIssueLike, root: unknown, base: PropertyKey[]): boolean {
  if ((issue.code !== 'too_big' && issue.code !== 'too_small') || issue.origin !== 'string') return true;
  const value = valueAt(root, [...base, ...issue.path]);
  if (typeof value !== 'string') return true;
  const length = codePoints(value);
  const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
  return issue.code === 'too_big' ? length > limit : length < limit;
}

/**
 * False when the spec wants a number and the body sends a decimal integer string. Discord's OpenAPI description
 * types some bit sets as integers (e.g. a command's `default_member_permissions`, int64), while its documentation
 * types them as strings ("?string", resources/application-commands) and discord.js sends strings; Discord accepts
 * both, so the fake does too.
 */
function holdsForIntegerStrings(issue: ZodIssueLike, root: unknown, base: PropertyKey[]): boolean {
  if (issue.code !== 'invalid_type' || issue.expected !== 'number') return true;
  const value = valueAt(root, [...base, ...issue.path]);
  return !(typeof value === 'string' && /^\d{1,20}$/.test(value));
}

/** Issues that stand, flattened with absolute paths; a union passes when one branch has no standing issue. */
function standing(issues: ZodIssueLike[], root: unknown, base: PropertyKey[] = []): ZodIssueLike[] {
  const out: ZodIssueLike[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      const branches = issue.errors.map((branch) => standing(branch, root, path));
      if (branches.some((branch) => branch.length === 0)) continue;
      // Report the branch that came closest (fewest issues), as its messages name the real mistake.
      out.push(...branches.reduce((best, branch) => (branch.length < best.length ? branch : best)));
      continue;
    }
    if (holdsInCodePoints(issue, root, base) && holdsForIntegerStrings(issue, root, base))
      out.push({ ...issue, path });
  }
  return out;
}

function discordCode(issue: ZodIssueLike): string {
  switch (issue.code) {
    case 'too_big':
      return 'BASE_TYPE_MAX_LENGTH';
    case 'too_small':
      return 'BASE_TYPE_MIN_LENGTH';
    case 'invalid_value':
      return 'BASE_TYPE_CHOICES';
    case 'invalid_type':
      return issue.expected === 'nonoptional' ? 'BASE_TYPE_REQUIRED' : 'BASE_TYPE_BAD_TYPE';
    default:
      return 'BASE_TYPE_INVALID';
  }
}

function discordMessage(issue: ZodIssueLike): string {
  if (issue.code === 'too_big') return `Must be ${String(issue.maximum)} or fewer in length.`;
  if (issue.code === 'too_small') return `Must be ${String(issue.minimum)} or more in length.`;
  if (issue.code === 'invalid_value') return `Value must be one of ${JSON.stringify(issue.values ?? [])}.`;
  if (issue.code === 'invalid_type')
    return `Expected ${issue.expected ?? 'another type'} (discord-api-spec).`;
  return `${issue.message} (discord-api-spec: ${issue.code}).`;
}

/**
 * 400 / 50035 body when `body` does not match the published schema of `route`; null when it matches or the
 * route has no body schema. The `errors` tree follows Discord's shape (`{ field: { 0: { _errors: [...] } } }`);
 * the codes are Discord's usual ones, chosen per zod issue kind (mapping unconfirmed beyond the common cases).
 */
export function checkSpecBody(route: string | null, body: unknown): DiscordErrorBody | null {
  const pick = route ? ROUTE_SCHEMAS[route] : undefined;
  if (!pick) return null;
  const chosen = pick(body);
  if ('error' in chosen) return chosen.error;
  const schema = specSchemas()[chosen.schema];
  if (!schema) throw new Error(`FakeDiscord: discord-api-spec has no ${chosen.schema}`);
  const items = chosen.array ? (Array.isArray(body) ? body : null) : [body];
  if (!items) return invalidForm({ _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] });
  const tree: Record<string, unknown> = {};
  let count = 0;
  items.forEach((item, index) => {
    const result = schema.safeParse(item ?? {});
    if (result.success) return;
    const prefix = chosen.array ? [index] : [];
    for (const issue of standing(result.error.issues, item)) {
      let node = tree;
      for (const key of [...prefix, ...issue.path])
        node = (node[String(key)] ??= {}) as Record<string, unknown>;
      ((node._errors ??= []) as unknown[]).push({ code: discordCode(issue), message: discordMessage(issue) });
      count++;
    }
  });
  return count === 0 ? null : invalidForm(tree);
}
