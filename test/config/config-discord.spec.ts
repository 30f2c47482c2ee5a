import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminApi } from './support';
import {
  bootFullApp,
  configDirWith,
  originalContent,
  settled,
  world,
  type FullApp,
} from '../support/full-app';

jest.setTimeout(30_000);

const at = { guildId: world.guildId, channelId: world.channelId };
const ADMIN_ONLY = 'Only server admins can manage the Kaltura settings';

/**
 * The config commands end to end: the whole app, a real discord.js client on a FakeDiscord, necord's option
 * parsing and autocomplete routing, the config module writing files.
 */
describe('config commands through Discord', () => {
  let t: FullApp;
  let dir: string;

  beforeAll(async () => {
    // Moderators are moderators by default in this deployment; admins are Manage Server holders.
    dir = configDirWith((config) => {
      config.roles.mapping = { Moderators: 'moderator' };
    });
    t = await bootFullApp({ kaltura: 'sandbox', env: { CONFIG_DIR: dir } });
  });
  afterAll(() => t?.close());

  const run = (userId: string, name: string, options: Record<string, string | boolean> = {}) =>
    settled(t.discord.sendSlashCommand({ ...at, userId, name, options }));

  it('registers the three commands guild-only, options required-first, key and value autocompleted', () => {
    const byName = (n: string) => t.discord.commands().find((c) => c.name === n)!;
    const sections = ['notifications', 'commands', 'roles', 'features', 'limits'].map((s) => ({
      name: s,
      value: s,
    }));
    expect(byName('kaltura-config-view')).toMatchObject({ contexts: [0] });
    expect(byName('kaltura-config-view').options).toEqual([
      expect.objectContaining({ name: 'section', type: 3, choices: sections }),
    ]);
    expect(byName('kaltura-config-update').options).toEqual([
      expect.objectContaining({ name: 'section', type: 3, required: true, choices: sections }),
      expect.objectContaining({ name: 'key', type: 3, required: true, autocomplete: true }),
      expect.objectContaining({
        name: 'value',
        type: 3,
        required: true,
        autocomplete: true,
        max_length: 2000,
      }),
    ]);
    expect(byName('kaltura-config-reset').options).toEqual([
      expect.objectContaining({
        name: 'section',
        required: true,
        choices: [...sections, { name: 'all', value: 'all' }],
      }),
      expect.objectContaining({ name: 'confirm', type: 5, required: true }),
    ]);
  });

  it('refuses members who are not admins, ephemerally', async () => {
    for (const userId of [world.viewer, world.moderator]) {
      const done = await run(userId, 'kaltura-config-view');
      expect(done.callback?.elapsedMs).toBeLessThan(3000);
      expect(done.original?.ephemeral).toBe(true);
      expect(originalContent(done)).toContain(ADMIN_ONLY);
    }
  });

  it('lets an admin change a setting; the file, the API and the next view all show it', async () => {
    const done = await run(world.admin, 'kaltura-config-update', {
      section: 'notifications',
      key: 'types.user_join',
      value: 'true',
    });
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain('Updated `notifications.types.user_join`');
    expect(JSON.parse(readFileSync(join(dir, 'overrides', `${world.guildId}.json`), 'utf8'))).toEqual({
      notifications: { types: { user_join: true } },
    });
    const api = await adminApi(t.app).get(`/api/v1/guilds/${world.guildId}/config`).expect(200);
    expect(api.body.config.notifications.types.user_join).toBe(true);
    expect(api.body.sources['notifications.types.user_join']).toBe('override');

    const view = await run(world.admin, 'kaltura-config-view', { section: 'notifications' });
    const embed = view.original?.message.embeds?.[0];
    expect(embed?.title).toBe('notifications');
    expect(embed?.description).toContain('`types.user_join` `true` · **override**');
  });

  it('autocompletes keys of the chosen section and values of the chosen key', async () => {
    const keys = await t.discord
      .sendAutocomplete({
        ...at,
        userId: world.admin,
        name: 'kaltura-config-update',
        focused: 'key',
        options: { section: 'roles', key: '' },
      })
      .waitFor((r) => r.autocompleteChoices !== null);
    const values = (keys.autocompleteChoices as Array<{ value: string }>).map((c) => c.value);
    expect(values).toContain('mapping.Moderators');
    expect(values).toContain(`mapping.${world.hostsRoleId}`);

    const roleValues = await t.discord
      .sendAutocomplete({
        ...at,
        userId: world.admin,
        name: 'kaltura-config-update',
        focused: 'value',
        options: { section: 'roles', key: 'mapping.Moderators', value: '' },
      })
      .waitFor((r) => r.autocompleteChoices !== null);
    expect((roleValues.autocompleteChoices as Array<{ value: string }>).map((c) => c.value)).toEqual([
      'admin',
      'moderator',
      'viewer',
      'remove',
      'reset',
    ]);

    const forViewer = await t.discord
      .sendAutocomplete({
        ...at,
        userId: world.viewer,
        name: 'kaltura-config-update',
        focused: 'key',
        options: { section: 'roles', key: '' },
      })
      .waitFor((r) => r.autocompleteChoices !== null);
    expect(forViewer.autocompleteChoices).toEqual([]);
  });

  it('makes a mapped admin out of a moderator role, who can then use the commands', async () => {
    await run(world.admin, 'kaltura-config-update', {
      section: 'roles',
      key: 'mapping.Moderators',
      value: 'admin',
    });
    const done = await run(world.moderator, 'kaltura-config-view', { section: 'roles' });
    expect(done.original?.message.embeds?.[0]?.description).toContain(
      '`mapping.Moderators` `admin` · **override**',
    );
  });

  it('explains a refused value without changing anything', async () => {
    const done = await run(world.admin, 'kaltura-config-update', {
      section: 'notifications',
      key: 'templates.meeting_end',
      value: 'Bye {{user.email}}',
    });
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain(
      'Not saved. notifications.templates.meeting_end: unknown placeholder {{user.email}}; meeting_end templates may use',
    );
    const api = await adminApi(t.app).get(`/api/v1/guilds/${world.guildId}/config`).expect(200);
    expect(api.body.sources['notifications.templates.meeting_end']).toBe('default');
  });

  it('resets only with confirm: True', async () => {
    const unconfirmed = await run(world.admin, 'kaltura-config-reset', { section: 'all', confirm: false });
    expect(originalContent(unconfirmed)).toMatch(/^Nothing was reset/);
    expect(existsSync(join(dir, 'overrides', `${world.guildId}.json`))).toBe(true);

    const done = await run(world.admin, 'kaltura-config-reset', { section: 'all', confirm: true });
    expect(originalContent(done)).toContain('All settings are back to the defaults');
    expect(existsSync(join(dir, 'overrides', `${world.guildId}.json`))).toBe(false);
  });
});
