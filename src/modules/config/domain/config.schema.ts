import { z } from 'zod';
import {
  COMMAND_NAMES,
  MEMBER_ROLES,
  NOTIFICATION_TYPES,
  NotificationType,
  TEMPLATE_PLACEHOLDERS,
} from '../config.types';

/** Discord's message content limit: a template may not be longer. */
export const TEMPLATE_MAX_LENGTH = 2000;
/** Discord's limit on role and channel names. */
export const NAME_MAX_LENGTH = 100;
export const MAX_ROLE_MAPPINGS = 250;
export const MAX_ROLES_PER_COMMAND = 25;

const SNOWFLAKE = /^\d{17,20}$/;
export const isSnowflake = (v: string): boolean => SNOWFLAKE.test(v);

/** `{{ name }}` with optional inner spaces. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * What is wrong with a template for a notification type: unknown placeholders (naming the allowed ones) and
 * braces that do not form a placeholder (a typo would otherwise be posted verbatim).
 */
export function templateProblems(type: NotificationType, text: string): string[] {
  const allowed = TEMPLATE_PLACEHOLDERS[type];
  const problems: string[] = [];
  for (const [, name] of text.matchAll(PLACEHOLDER)) {
    if (!allowed.includes(name)) {
      problems.push(
        `unknown placeholder {{${name}}}; ${type} templates may use ${allowed.map((p) => `{{${p}}}`).join(', ')}`,
      );
    }
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    problems.push('has "{{" or "}}" that does not form a placeholder such as {{meeting.title}}');
  }
  return problems;
}

const template = (type: NotificationType) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(TEMPLATE_MAX_LENGTH, `must be at most ${TEMPLATE_MAX_LENGTH} characters (Discord's message limit)`)
    .superRefine((text, ctx) => {
      for (const message of templateProblems(type, text)) ctx.addIssue({ code: 'custom', message });
    })
    .describe(
      `Message template; placeholders: ${TEMPLATE_PLACEHOLDERS[type].map((p) => `{{${p}}}`).join(' ')}`,
    );

/** C0/C1 control characters: Discord never puts them in names, and they would only corrupt lookups and output. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const NO_CONTROL = 'must not contain control characters';

/** A channel id, or a channel name as Discord writes it (no spaces, no `#`, no mention syntax). */
const channel = z
  .string()
  .refine((v) => !CONTROL.test(v), NO_CONTROL)
  .regex(
    /^(?:\d{17,20}|[^\s#@<>]{1,100})$/,
    'must be a channel id (a snowflake such as 123456789012345678) or a channel name without # or spaces',
  )
  .nullable();

/** A role id, a role name, or (where allowed) `@everyone`. Mentions (`<@&…>`) must be resolved first. */
const roleRef = z
  .string()
  .refine((v) => !CONTROL.test(v), NO_CONTROL)
  .regex(
    /^(?:[^\s<\r\n]|[^\s<\r\n][^\r\n]{0,98}[^\s\r\n])$/,
    `must be a role id or name (1–${NAME_MAX_LENGTH} characters, no leading or trailing spaces, not a mention)`,
  );

const memberRole = z.enum(MEMBER_ROLES, { error: `must be one of ${MEMBER_ROLES.join(', ')}` });

const roleList = z
  .array(roleRef)
  .min(1, 'must list at least one role (or @everyone)')
  .max(MAX_ROLES_PER_COMMAND, `may list at most ${MAX_ROLES_PER_COMMAND} roles`)
  .refine((list) => new Set(list).size === list.length, 'lists a role twice')
  .describe('Role ids or names allowed to use the command, or "@everyone"');

/**
 * Upper bounds of the `limits` section. A guild admin may tighten or loosen the operator's defaults, but not past
 * these: the budgets protect the service's Kaltura account, which every guild shares.
 */
export const LIMIT_BOUNDS = {
  perMember: 100,
  perGuild: 1000,
  windowSeconds: 3600,
  activePerHost: 20,
  activePerGuild: 200,
} as const;

const bounded = (max: number, what: string) =>
  z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .describe(what);

const featureName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/, 'must be a camelCase feature name');

const byType = <T extends z.ZodType>(value: (t: NotificationType) => T) =>
  Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, value(t)])) as Record<NotificationType, T>;

type Shape = Record<string, z.ZodType>;
/** A strict object, deep-partial for overrides: unknown keys are always refused. */
const object = (shape: Shape, partial: boolean) =>
  partial ? z.strictObject(shape).partial() : z.strictObject(shape);

/**
 * The configuration schema. `full` describes defaults and effective configs (every key required);
 * `override` the sparse diff a guild stores (every key optional, features limited to those the defaults know).
 */
function buildSchema(partial: boolean, features: string[] | null) {
  return object(
    {
      notifications: object(
        {
          enabled: z.boolean(),
          types: object(
            byType(() => z.boolean()),
            partial,
          ),
          templates: object(byType(template), partial),
          channels: object(
            {
              default: channel.describe(
                'Channel id or name; null: the channel where the meeting was started',
              ),
              ...byType((t) =>
                channel.optional().describe(`Channel for ${t}; absent or null: the default channel`),
              ),
            },
            partial,
          ),
          allowMentions: z.boolean(),
        },
        partial,
      ),
      commands: object(
        {
          enabled: z.boolean(),
          permissions: z.strictObject(
            Object.fromEntries(COMMAND_NAMES.map((c) => [c, roleList.optional()])) as Shape,
          ),
        },
        partial,
      ),
      roles: object(
        {
          mapping: z
            .record(roleRef, memberRole)
            .refine(
              (m) => Object.keys(m).length <= MAX_ROLE_MAPPINGS,
              `may hold at most ${MAX_ROLE_MAPPINGS} role mappings`,
            )
            .describe('Discord role id or name → admin, moderator or viewer'),
        },
        partial,
      ),
      features: features
        ? z.strictObject(Object.fromEntries(features.map((f) => [f, z.boolean()]))).partial()
        : z.record(featureName, z.boolean()),
      limits: object(
        {
          commands: object(
            {
              perMember: bounded(
                LIMIT_BOUNDS.perMember,
                'Meeting commands (start, join, list, end) one member may use per window',
              ),
              perGuild: bounded(LIMIT_BOUNDS.perGuild, 'Meeting commands the whole guild may use per window'),
              windowSeconds: bounded(LIMIT_BOUNDS.windowSeconds, 'Length of the command window, in seconds'),
            },
            partial,
          ),
          meetings: object(
            {
              activePerHost: bounded(
                LIMIT_BOUNDS.activePerHost,
                'Active meetings one member may host at once',
              ),
              activePerGuild: bounded(
                LIMIT_BOUNDS.activePerGuild,
                'Active meetings the guild may have at once',
              ),
            },
            partial,
          ),
        },
        partial,
      ),
    },
    partial,
  );
}

/** Schema of `default_config.json` and of every effective configuration. */
export const guildConfigSchema = buildSchema(false, null);

/** Schema of a stored override, given the feature flags the defaults declare. */
export function overrideSchema(featureNames: string[]) {
  return buildSchema(true, featureNames);
}

/** JSON Schema (draft 2020-12) of `default_config.json`, published as docs/config.schema.json. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(guildConfigSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    title: 'Kaltura ↔ Discord guild configuration',
    description:
      'config/default_config.json and every effective guild configuration. Overrides hold a sparse subset. ' +
      'Templates may only use the placeholders listed in their description.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
