import {
  COMMAND_NAMES,
  ConfigSection,
  GuildConfig,
  JsonObject,
  JsonValue,
  MEMBER_ROLES,
  NOTIFICATION_TYPES,
  TEMPLATE_PLACEHOLDERS,
} from '../config.types';
import { nest, valueAt } from './config-merge';

/** How a single setting's value is written by a person (slash commands parse by this). */
export type ConfigValueKind = 'boolean' | 'template' | 'channel' | 'role-list' | 'member-role' | 'integer';

/** One setting a person can change on its own, e.g. `notifications` / `templates.meeting_end`. */
export interface ConfigKey {
  section: ConfigSection;
  /** Key within the section, dotted (`templates.meeting_end`, `mapping.<role>`). */
  key: string;
  /** Full path from the root (`['notifications', 'templates', 'meeting_end']`). */
  path: string[];
  kind: ConfigValueKind;
  description: string;
}

const key = (
  section: ConfigSection,
  rest: string[],
  kind: ConfigValueKind,
  description: string,
): ConfigKey => ({
  section,
  key: rest.join('.'),
  path: [section, ...rest],
  kind,
  description,
});

/**
 * Every setting of a section that can be changed on its own. Open maps list what the guild has (role
 * mappings) or what the defaults declare (features); any role can be added as `mapping.<role id or name>`.
 */
export function sectionKeys(section: ConfigSection, config: GuildConfig): ConfigKey[] {
  switch (section) {
    case 'notifications':
      return [
        key(section, ['enabled'], 'boolean', 'Post notifications at all'),
        key(section, ['allowMentions'], 'boolean', 'Let templates ping roles and users'),
        key(
          section,
          ['channels', 'default'],
          'channel',
          'Channel for notifications (empty: the meeting channel)',
        ),
        ...NOTIFICATION_TYPES.flatMap((t) => [
          key(section, ['types', t], 'boolean', `Post ${t} notifications`),
          key(
            section,
            ['templates', t],
            'template',
            `Text: ${TEMPLATE_PLACEHOLDERS[t].map((p) => `{{${p}}}`).join(' ')}`,
          ),
          key(section, ['channels', t], 'channel', `Channel for ${t} (empty: the default channel)`),
        ]),
      ];
    case 'commands':
      return [
        key(section, ['enabled'], 'boolean', 'Answer slash commands at all'),
        ...COMMAND_NAMES.map((c) => key(section, ['permissions', c], 'role-list', `Who may use /${c}`)),
      ];
    case 'roles':
      return Object.keys(config.roles.mapping).map((r) =>
        key(section, ['mapping', r], 'member-role', `Project role of ${r}: ${MEMBER_ROLES.join('|')}`),
      );
    case 'features':
      return Object.keys(config.features).map((f) => key(section, [f], 'boolean', `Feature ${f}`));
    case 'limits':
      return [
        key(section, ['commands', 'perMember'], 'integer', 'Meeting commands one member may use per window'),
        key(section, ['commands', 'perGuild'], 'integer', 'Meeting commands the server may use per window'),
        key(section, ['commands', 'windowSeconds'], 'integer', 'Length of the command window, in seconds'),
        key(section, ['meetings', 'activePerHost'], 'integer', 'Active meetings one member may host at once'),
        key(
          section,
          ['meetings', 'activePerGuild'],
          'integer',
          'Active meetings the server may have at once',
        ),
      ];
  }
}

/**
 * The setting a person named, or null. Accepts the key with or without its section prefix; `mapping.<x>` in
 * `roles` names any role, mapped yet or not (role names may contain dots: everything after `mapping.` is it).
 */
export function resolveKey(section: ConfigSection, raw: string, config: GuildConfig): ConfigKey | null {
  let name = raw.trim();
  if (name.startsWith(`${section}.`)) name = name.slice(section.length + 1);
  if (section === 'roles') {
    const role = name.startsWith('mapping.') ? name.slice('mapping.'.length) : '';
    return role.trim() ? key(section, ['mapping', role], 'member-role', `Project role of ${role}`) : null;
  }
  return sectionKeys(section, config).find((k) => k.key === name) ?? null;
}

/** The merge patch that sets one setting (`null`: back to the default). */
export function patchFor(setting: ConfigKey, value: JsonValue): JsonObject {
  return nest(setting.path, value);
}

/** The current value of one setting in an (effective) configuration. */
export function valueAtKey(config: GuildConfig, setting: ConfigKey): JsonValue | undefined {
  return valueAt(config as unknown as JsonObject, setting.path);
}
