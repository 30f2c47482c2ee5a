/**
 * The subset of Discord's body validation an app is most likely to trip over (message, embed, component, command
 * and autocomplete limits). Violations answer 400 with Discord's `Invalid Form Body` shape, so an app that would
 * fail in production fails against the fake too.
 *
 * Lengths are counted in Unicode code points: Discord's limits are characters, and "Our API uses Python 3, so the
 * API calculates length based on the number of codepoints" (a Discord engineer, discord-api-docs issue #1315; not
 * re-checked against live Discord). A JavaScript `string.length` counts UTF-16 units and would refuse emoji-heavy
 * text Discord accepts.
 */

/** Length as Discord counts it: Unicode code points. */
export const codePoints = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

/** A Discord JSON error body. */
export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

class FormErrors {
  private readonly errors: Obj = {};
  private count = 0;

  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.errors;
    for (const key of path) node = (node[String(key)] ??= {}) as Obj;
    ((node._errors ??= []) as unknown[]).push({ code, message });
    this.count++;
  }

  maxLength(path: Array<string | number>, value: unknown, max: number, min = 0): void {
    if (typeof value !== 'string') return;
    const length = codePoints(value);
    if (length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    else if (length < min) this.add(path, 'BASE_TYPE_MIN_LENGTH', `Must be ${min} or more in length.`);
  }

  maxItems(path: Array<string | number>, value: unknown, max: number): void {
    if (Array.isArray(value) && value.length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }

  result(): DiscordErrorBody | null {
    return this.count === 0 ? null : { code: 50035, message: 'Invalid Form Body', errors: this.errors };
  }
}

const asObj = (value: unknown): Obj => (value && typeof value === 'object' ? (value as Obj) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const len = (value: unknown): number => (typeof value === 'string' ? codePoints(value) : 0);

function validateEmbeds(form: FormErrors, embeds: unknown[]): void {
  form.maxItems(['embeds'], embeds, 10);
  let total = 0;
  embeds.forEach((raw, i) => {
    const embed = asObj(raw);
    form.maxLength(['embeds', i, 'title'], embed.title, 256);
    form.maxLength(['embeds', i, 'description'], embed.description, 4096);
    form.maxLength(['embeds', i, 'footer', 'text'], asObj(embed.footer).text, 2048);
    form.maxLength(['embeds', i, 'author', 'name'], asObj(embed.author).name, 256);
    form.maxItems(['embeds', i, 'fields'], embed.fields, 25);
    total +=
      len(embed.title) +
      len(embed.description) +
      len(asObj(embed.footer).text) +
      len(asObj(embed.author).name);
    asArray(embed.fields).forEach((rawField, j) => {
      const field = asObj(rawField);
      form.maxLength(['embeds', i, 'fields', j, 'name'], field.name, 256, 1);
      form.maxLength(['embeds', i, 'fields', j, 'value'], field.value, 1024, 1);
      total += len(field.name) + len(field.value);
    });
  });
  if (total > 6000)
    form.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

function validateComponents(form: FormErrors, components: unknown[], flags: number): void {
  const componentsV2 = (flags & (1 << 15)) !== 0;
  if (!componentsV2) form.maxItems(['components'], components, 5);
  const customIds = new Set<string>();
  components.forEach((rawRow, i) => {
    const row = asObj(rawRow);
    if (row.type !== 1) return;
    const children = asArray(row.components);
    form.maxItems(['components', i, 'components'], children, 5);
    children.forEach((rawChild, j) => {
      const child = asObj(rawChild);
      const path = ['components', i, 'components', j];
      form.maxLength([...path, 'custom_id'], child.custom_id, 100, 1);
      if (child.type === 2) {
        form.maxLength([...path, 'label'], child.label, 80);
        if (child.style === 5 && typeof child.url !== 'string')
          form.add([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
        if (child.style !== 5 && child.style !== 6 && typeof child.custom_id !== 'string') {
          form.add([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
        }
      }
      if (typeof child.custom_id === 'string') {
        if (customIds.has(child.custom_id)) {
          form.add(
            [...path, 'custom_id'],
            'COMPONENT_CUSTOM_ID_DUPLICATED',
            'Component custom id cannot be duplicated',
          );
        }
        customIds.add(child.custom_id);
      }
    });
  });
}

/**
 * Validates a message create/edit body. `creating` also rejects empty messages (50006), as Discord does on create.
 */
export function validateMessageBody(raw: unknown, creating: boolean, fileCount = 0): DiscordErrorBody | null {
  const body = asObj(raw);
  const form = new FormErrors();
  form.maxLength(['content'], body.content, 2000);
  if (creating) form.maxLength(['nonce'], body.nonce, 25);
  validateEmbeds(form, asArray(body.embeds));
  validateComponents(form, asArray(body.components), typeof body.flags === 'number' ? body.flags : 0);
  const allowed = asObj(body.allowed_mentions);
  const parse = asArray(allowed.parse);
  if (parse.includes('users') && asArray(allowed.users).length > 0) {
    form.add(
      ['allowed_mentions'],
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
      'parse:["users"] and users: [ids...] are mutually exclusive.',
    );
  }
  if (parse.includes('roles') && asArray(allowed.roles).length > 0) {
    form.add(
      ['allowed_mentions'],
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
      'parse:["roles"] and roles: [ids...] are mutually exclusive.',
    );
  }
  const invalid = form.result();
  if (invalid) return invalid;
  const empty =
    len(body.content) === 0 &&
    asArray(body.embeds).length === 0 &&
    asArray(body.components).length === 0 &&
    asArray(body.sticker_ids).length === 0 &&
    body.poll === undefined &&
    fileCount === 0;
  return creating && empty ? { code: 50006, message: 'Cannot send an empty message' } : null;
}

/** Validates autocomplete choices (≤ 25, names 1–100, string values ≤ 100). */
export function validateChoices(choices: unknown): DiscordErrorBody | null {
  const form = new FormErrors();
  form.maxItems(['data', 'choices'], choices, 25);
  asArray(choices).forEach((raw, i) => {
    const choice = asObj(raw);
    form.maxLength(['data', 'choices', i, 'name'], choice.name, 100, 1);
    form.maxLength(['data', 'choices', i, 'value'], choice.value, 100);
  });
  return form.result();
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateOptions(form: FormErrors, path: Array<string | number>, options: unknown[]): void {
  form.maxItems([...path, 'options'], options, 25);
  const names = new Set<string>();
  let optionalSeen = false;
  options.forEach((raw, i) => {
    const option = asObj(raw);
    const at = [...path, 'options', i];
    const name = typeof option.name === 'string' ? option.name : '';
    if (!NAME.test(name) || name !== name.toLowerCase())
      form.add([...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    if (names.has(name))
      form.add(
        [...at, 'name'],
        'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
        'Option name already exists',
      );
    names.add(name);
    form.maxLength([...at, 'description'], option.description, 100, 1);
    form.maxItems([...at, 'choices'], option.choices, 25);
    if (option.autocomplete === true && asArray(option.choices).length > 0) {
      form.add(
        [...at, 'autocomplete'],
        'AUTOCOMPLETE_AND_CHOICES_EXCLUSIVE',
        'Autocomplete cannot be used with choices',
      );
    }
    if (option.type === 1 || option.type === 2) {
      validateOptions(form, at, asArray(option.options));
      return;
    }
    if (option.required === true && optionalSeen) {
      form.add(
        [...path, 'options'],
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if (option.required !== true) optionalSeen = true;
  });
}

/** Validates a bulk command overwrite (names, descriptions, option order and counts). */
export function validateCommands(raw: unknown): DiscordErrorBody | null {
  const form = new FormErrors();
  if (!Array.isArray(raw)) {
    form.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return form.result();
  }
  const seen = new Set<string>();
  let chatInput = 0;
  raw.forEach((rawCommand, i) => {
    const command = asObj(rawCommand);
    const type = typeof command.type === 'number' ? command.type : 1;
    const name = typeof command.name === 'string' ? command.name : '';
    if (type === 1) chatInput++;
    if (!NAME.test(name) || (type === 1 && name !== name.toLowerCase())) {
      form.add([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    if (seen.has(`${type}:${name}`))
      form.add([i, 'name'], 'APPLICATION_COMMAND_ALREADY_EXISTS', 'Application command names must be unique');
    seen.add(`${type}:${name}`);
    if (type === 1) form.maxLength([i, 'description'], command.description ?? '', 100, 1);
    validateOptions(form, [i], asArray(command.options));
  });
  if (chatInput > 100)
    form.add([], 'APPLICATION_COMMANDS_TOO_MANY', 'Maximum number of application commands reached (100)');
  return form.result();
}
