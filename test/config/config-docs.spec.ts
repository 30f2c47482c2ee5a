import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_NAMES, NOTIFICATION_TYPES, TEMPLATE_PLACEHOLDERS } from '../../src/modules/config';
import { configJsonSchema } from '../../src/modules/config/domain/config.schema';

const root = join(__dirname, '..', '..');
const SCHEMA_PATH = join(root, 'docs', 'config.schema.json');

describe('configuration documents stay in step with the code', () => {
  // Regenerate with: UPDATE_CONFIG_SCHEMA=1 npx jest test/config/config-docs && npx prettier --write docs/config.schema.json
  it('docs/config.schema.json is the JSON Schema of the code', () => {
    const generated = configJsonSchema();
    if (process.env.UPDATE_CONFIG_SCHEMA === '1')
      writeFileSync(SCHEMA_PATH, `${JSON.stringify(generated, null, 2)}\n`);
    expect(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))).toEqual(generated);
  });

  it('the JSON Schema refuses unknown keys everywhere and lists every notification type and command', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    expect(schema.additionalProperties).toBe(false);
    const n = schema.properties.notifications;
    expect(n.additionalProperties).toBe(false);
    expect(Object.keys(n.properties.templates.properties).sort()).toEqual([...NOTIFICATION_TYPES].sort());
    expect(Object.keys(schema.properties.commands.properties.permissions.properties).sort()).toEqual(
      [...COMMAND_NAMES].sort(),
    );
  });

  it('docs/configuration.md documents every placeholder, command and shipped feature', () => {
    const doc = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    const defaults = JSON.parse(readFileSync(join(root, 'config', 'default_config.json'), 'utf8'));
    for (const type of NOTIFICATION_TYPES) {
      expect(doc).toContain(`\`${type}\``);
      for (const p of TEMPLATE_PLACEHOLDERS[type]) expect(doc).toContain(`{{${p}}}`);
    }
    for (const command of COMMAND_NAMES) expect(doc).toContain(command);
    for (const feature of Object.keys(defaults.features)) expect(doc).toContain(`\`${feature}\``);
  });
});
