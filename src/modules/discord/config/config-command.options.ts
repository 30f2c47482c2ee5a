import { BooleanOption, StringOption } from 'necord';
import { CONFIG_SECTIONS, TEMPLATE_MAX_LENGTH, type ConfigSection } from '../../config';

/** Option names (fixed: users type them, autocomplete reads them). */
export const CONFIG_OPTION = { section: 'section', key: 'key', value: 'value', confirm: 'confirm' } as const;

const SECTION_CHOICES = CONFIG_SECTIONS.map((s) => ({ name: s, value: s }));

/** `/kaltura-config-view`: optionally one section. */
export class ConfigViewOptions {
  @StringOption({
    name: CONFIG_OPTION.section,
    description: 'Only this section (default: all)',
    required: false,
    choices: SECTION_CHOICES,
  })
  section?: ConfigSection | null;
}

/** `/kaltura-config-update`: declaration order is registration order, all three are required. */
export class ConfigUpdateOptions {
  @StringOption({
    name: CONFIG_OPTION.section,
    description: 'Section of the setting',
    required: true,
    choices: SECTION_CHOICES,
  })
  section!: ConfigSection;

  @StringOption({
    name: CONFIG_OPTION.key,
    description: 'The setting (start typing; roles: mapping.<role>)',
    required: true,
    autocomplete: true,
    max_length: 120,
  })
  key!: string;

  @StringOption({
    name: CONFIG_OPTION.value,
    description: 'New value ("reset" restores the default; lists are comma-separated; \\n is a line break)',
    required: true,
    autocomplete: true,
    max_length: TEMPLATE_MAX_LENGTH,
  })
  value!: string;
}

/** `/kaltura-config-reset`: a section or everything, and an explicit confirmation. */
export class ConfigResetOptions {
  @StringOption({
    name: CONFIG_OPTION.section,
    description: 'Section to reset to the defaults, or all',
    required: true,
    choices: [...SECTION_CHOICES, { name: 'all', value: 'all' }],
  })
  section!: ConfigSection | 'all';

  @BooleanOption({
    name: CONFIG_OPTION.confirm,
    description: 'Set to True to really reset',
    required: true,
  })
  confirm!: boolean;
}
