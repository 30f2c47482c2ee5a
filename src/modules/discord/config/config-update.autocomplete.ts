import { Injectable, Logger } from '@nestjs/common';
import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import { AutocompleteInterceptor } from 'necord';
import { cutForDiscord, fitsDiscordLimit } from '../../../platform/text';
import {
  CONFIG_SECTIONS,
  GuildConfigService,
  MEMBER_ROLES,
  resolveKey,
  sectionKeys,
  valueAtKey,
  type ConfigKey,
  type ConfigSection,
  type GuildConfig,
} from '../../config';
import { ConfigAdminAccess } from './config-admin.access';
import { CONFIG_OPTION } from './config-command.options';
import { GuildDirectory, guildDirectory, normalizeKey } from './config-value.parser';

/** Discord shows at most 25 choices; names and values are at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;
const cut = (s: string) => cutForDiscord(s, MAX_CHOICE_LENGTH);
type Choice = ApplicationCommandOptionChoiceData<string>;

const matches = (typed: string, ...texts: string[]) =>
  !typed || texts.some((t) => t.toLowerCase().includes(typed.toLowerCase()));

/** Choices for `key`: the section's settings, and for `roles` every role of the guild (mapped or not). */
export function keyChoices(
  section: ConfigSection,
  config: GuildConfig,
  typed: string,
  dir: GuildDirectory,
): Choice[] {
  // One value over 100 makes Discord refuse the whole list (50035), so a key that long (a role mapped by a
  // name of 92+ characters) is left out; the admin can still type it (the option takes 120).
  const known = sectionKeys(section, config)
    .filter((k) => fitsDiscordLimit(k.key, MAX_CHOICE_LENGTH))
    .map((k) => ({ name: cut(`${k.key} — ${k.description}`), value: k.key }));
  if (section === 'roles') {
    const mapped = new Set(Object.keys(config.roles.mapping));
    for (const role of dir.roles) {
      if (mapped.has(role.id) || mapped.has(role.name)) continue;
      known.push({
        name: cut(`mapping.${role.id} — @${role.name} (not mapped)`),
        value: `mapping.${role.id}`,
      });
    }
  }
  return known.filter((c) => matches(typed, c.name, c.value)).slice(0, MAX_CHOICES);
}

/** Choices for `value`, by the kind of the chosen setting; `reset` (back to the default) always. */
export function valueChoices(
  setting: ConfigKey,
  config: GuildConfig,
  typed: string,
  dir: GuildDirectory,
): Choice[] {
  const current = valueAtKey(config, setting);
  const reset: Choice = { name: 'reset — back to the default', value: 'reset' };
  let choices: Choice[];
  switch (setting.kind) {
    case 'boolean':
      choices = ['true', 'false'].map((v) => ({
        name: v === String(current) ? `${v} (current)` : v,
        value: v,
      }));
      break;
    case 'member-role':
      choices = [...MEMBER_ROLES]
        .reverse()
        .map((r) => ({ name: r === current ? `${r} (current)` : r, value: r }));
      choices.push({ name: 'remove — unmap this role', value: 'remove' });
      break;
    case 'channel':
      choices = dir.channels.map((c) => ({ name: cut(`#${c.name}`), value: c.id }));
      break;
    case 'role-list':
      choices = [
        { name: '@everyone', value: '@everyone' },
        ...dir.roles.map((r) => ({ name: cut(`@${r.name}`), value: r.id })),
      ];
      if (Array.isArray(current) && fitsDiscordLimit(current.join(', '), MAX_CHOICE_LENGTH)) {
        choices.unshift({ name: cut(`${current.join(', ')} (current)`), value: current.join(', ') });
      }
      break;
    case 'integer':
      choices = typeof current === 'number' ? [{ name: `${current} (current)`, value: String(current) }] : [];
      break;
    case 'template':
      choices =
        typeof current === 'string' && fitsDiscordLimit(current, MAX_CHOICE_LENGTH)
          ? [{ name: cut(`${current} (current)`), value: current }]
          : [];
      break;
  }
  return [...choices, reset].filter((c) => matches(typed, c.name, c.value)).slice(0, MAX_CHOICES);
}

/**
 * Autocomplete of `/kaltura-config-update`: keys of the chosen section, then values fitting the chosen key.
 * Non-admins get no suggestions (the guild's settings are not theirs to browse). Never throws: an autocomplete
 * that fails is answered with an empty list.
 */
@Injectable()
export class ConfigUpdateAutocomplete extends AutocompleteInterceptor {
  private readonly log = new Logger('discord');

  constructor(
    private readonly config: GuildConfigService,
    private readonly admins: ConfigAdminAccess,
  ) {
    super();
  }

  async transformOptions(interaction: AutocompleteInteraction): Promise<void> {
    let choices: Choice[] = [];
    try {
      choices = await this.choices(interaction);
    } catch (err) {
      this.log.warn({ err, interaction: interaction.commandName }, 'Config autocomplete failed');
    }
    try {
      await interaction.respond(choices);
    } catch (err) {
      this.log.warn({ err }, 'Could not answer a config autocomplete');
    }
  }

  private async choices(interaction: AutocompleteInteraction): Promise<Choice[]> {
    if (!interaction.guildId || !(await this.admins.isAdmin(interaction, interaction.commandName))) return [];
    const section = interaction.options.getString(CONFIG_OPTION.section) as ConfigSection | null;
    if (!section || !(CONFIG_SECTIONS as readonly string[]).includes(section)) return [];
    const focused = interaction.options.getFocused(true);
    const config = await this.config.get(interaction.guildId);
    const dir = guildDirectory(interaction.guild);
    if (focused.name === CONFIG_OPTION.key) return keyChoices(section, config, String(focused.value), dir);
    if (focused.name !== CONFIG_OPTION.value) return [];
    const key = interaction.options.getString(CONFIG_OPTION.key) ?? '';
    const setting = resolveKey(section, normalizeKey(section, key), config);
    return setting ? valueChoices(setting, config, String(focused.value), dir) : [];
  }
}
