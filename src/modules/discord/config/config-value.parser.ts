import type { Guild } from 'discord.js';
import { ValidationFailedError } from '../../../platform/errors';
import { MEMBER_ROLES, type ConfigKey, type ConfigSection, type JsonValue } from '../../config';

/** Words that put a setting back to its default (the guild's override of it is removed). */
export const RESET_WORDS = ['reset', 'default'] as const;

/** What the bot knows of a guild's roles and text channels (from the discord.js cache). */
export interface GuildDirectory {
  roles: Array<{ id: string; name: string }>;
  channels: Array<{ id: string; name: string }>;
}

/** Reads the cached roles (without @everyone) and text-based channels of a guild. */
export function guildDirectory(guild: Guild | null | undefined): GuildDirectory {
  if (!guild) return { roles: [], channels: [] };
  return {
    roles: [...guild.roles.cache.values()]
      .filter((r) => r.id !== guild.id)
      .map((r) => ({ id: r.id, name: r.name })),
    channels: [...guild.channels.cache.values()]
      .filter((c) => c.isTextBased())
      .map((c) => ({ id: c.id, name: c.name })),
  };
}

const invalid = (message: string) =>
  new ValidationFailedError([{ field: 'value', message }], `The value is not valid: ${message}.`);

const TRUE = new Set(['true', 'on', 'yes', 'enable', 'enabled', '1']);
const FALSE = new Set(['false', 'off', 'no', 'disable', 'disabled', '0']);
const ROLE_MENTION = /^<@&(\d{17,20})>$/;
const CHANNEL_MENTION = /^<#(\d{17,20})>$/;

/** One role reference as typed: a mention becomes its id, `everyone` the `@everyone` entry. */
function roleRef(raw: string): string {
  const text = raw.trim();
  const mention = ROLE_MENTION.exec(text);
  if (mention) return mention[1];
  if (text === '@everyone' || text.toLowerCase() === 'everyone') return '@everyone';
  return text.startsWith('@') ? text.slice(1) : text;
}

/**
 * Turns what an admin typed into the JSON value of a setting, by the setting's kind. `reset` (or `default`)
 * gives `null`: the guild's override of that setting is removed. The config module validates the result.
 */
export function parseConfigValue(setting: ConfigKey, raw: string): JsonValue {
  const text = raw.trim();
  if ((RESET_WORDS as readonly string[]).includes(text.toLowerCase())) return null;
  switch (setting.kind) {
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE.has(word)) return true;
      if (FALSE.has(word)) return false;
      throw invalid(`${setting.key} takes true or false`);
    }
    case 'template':
      // Slash command options are one line: `\n` is how a line break is typed.
      return text.replace(/\\n/g, '\n');
    case 'channel': {
      if (text.toLowerCase() === 'none') return null;
      const mention = CHANNEL_MENTION.exec(text);
      if (mention) return mention[1];
      return text.startsWith('#') ? text.slice(1) : text;
    }
    case 'role-list': {
      const roles = text.split(',').map(roleRef).filter(Boolean);
      if (roles.length === 0) throw invalid(`${setting.key} takes roles separated by commas, or @everyone`);
      return [...new Set(roles)];
    }
    case 'integer': {
      // Whole numbers only, as typed: "1e3" or "0x10" are not what an admin means by a count.
      if (!/^\d{1,9}$/.test(text)) throw invalid(`${setting.key} takes a whole number`);
      return Number(text);
    }
    case 'member-role': {
      const role = text.toLowerCase();
      if (role === 'none' || role === 'remove') return null;
      if ((MEMBER_ROLES as readonly string[]).includes(role)) return role;
      throw invalid(`${setting.key} takes ${MEMBER_ROLES.join(', ')} (or remove)`);
    }
  }
}

/** Normalizes a typed key: `roles` keys may name the role by mention (`mapping.<@&id>` → `mapping.<id>`). */
export function normalizeKey(section: ConfigSection, key: string): string {
  const text = key.trim();
  if (section !== 'roles') return text;
  const match = /^(?:roles\.)?mapping\.(.+)$/.exec(text);
  return match ? `mapping.${roleRef(match[1])}` : text;
}
