import { ConsoleLogger, Logger } from '@nestjs/common';
import {
  ConfigInteractionStub,
  GUILD,
  ROLES,
  configFixture,
  manager,
  student,
} from '../../../../test/config/discord-stubs';
import { ConfigAdminAccess } from './config-admin.access';
import { ConfigUpdateAutocomplete } from './config-update.autocomplete';

describe('autocomplete of /kaltura-config-update', () => {
  let f: Awaited<ReturnType<typeof configFixture>>;
  let autocomplete: ConfigUpdateAutocomplete;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  beforeEach(async () => {
    f = await configFixture();
    autocomplete = new ConfigUpdateAutocomplete(f.config, new ConfigAdminAccess(f.access));
    await f.config.update(
      GUILD,
      { roles: { mapping: { [ROLES.teachers]: 'admin', Helpers: 'moderator' } } },
      { kind: 'system', id: 'test' },
    );
  });
  afterEach(() => f.close());

  const ask = async (member: typeof manager, values: Record<string, string>, focused: string) => {
    const interaction = new ConfigInteractionStub('autocomplete', member, 'kaltura-config-update', values, {
      focused,
    });
    await autocomplete.transformOptions(interaction.asAny);
    return interaction.payloads('respond')[0] as Array<{ name: string; value: string }>;
  };

  it("suggests the section's keys matching what is typed, at most 25", async () => {
    const all = await ask(manager, { section: 'notifications', key: '' }, 'key');
    expect(all.length).toBeLessThanOrEqual(25);
    const typed = await ask(manager, { section: 'notifications', key: 'user_j' }, 'key');
    expect(typed.map((c) => c.value)).toEqual([
      'types.user_join',
      'templates.user_join',
      'channels.user_join',
    ]);
    for (const c of all) expect(c.name.length).toBeLessThanOrEqual(100);
  });

  it('suggests unmapped roles of the guild for the roles section', async () => {
    const choices = await ask(manager, { section: 'roles', key: '' }, 'key');
    expect(choices.map((c) => c.value)).toEqual([
      `mapping.${ROLES.teachers}`,
      'mapping.Helpers',
      `mapping.${ROLES.students}`,
    ]);
  });

  it('keeps every choice name and value within 100 when a role is mapped by a long name (issue 26 item 7)', async () => {
    const long = 'R'.repeat(95);
    await f.config.update(
      GUILD,
      { roles: { mapping: { [long]: 'moderator' } } },
      { kind: 'system', id: 'test' },
    );
    const choices = await ask(manager, { section: 'roles', key: '' }, 'key');
    expect(choices.length).toBeGreaterThan(0);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    expect(choices.map((c) => c.value)).toContain('mapping.Helpers');
  });

  it('suggests values that fit the chosen key, the current one marked', async () => {
    const choices = await ask(manager, { section: 'notifications', key: 'enabled', value: '' }, 'value');
    expect(choices).toEqual([
      { name: 'true (current)', value: 'true' },
      { name: 'false', value: 'false' },
      { name: 'reset — back to the default', value: 'reset' },
    ]);
    const channels = await ask(
      manager,
      { section: 'notifications', key: 'channels.default', value: 'ale' },
      'value',
    );
    expect(channels).toEqual([{ name: '#alerts', value: '720000000000000002' }]);
  });

  it('suggests nothing to members who are not admins', async () => {
    expect(await ask(student, { section: 'notifications', key: '' }, 'key')).toEqual([]);
  });

  it('answers with an empty list when something fails, instead of leaving Discord waiting', async () => {
    jest.spyOn(f.config, 'get').mockRejectedValue(new Error('store down'));
    expect(await ask(manager, { section: 'notifications', key: '' }, 'key')).toEqual([]);
  });
});
