import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootTestApp, TestApp } from '../support/app';
import { API_ADMIN, adminApi, adminAuth, guildId, makeConfigDir } from './support';

const defaults = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'config', 'default_config.json'), 'utf8'),
);
const MERGE_PATCH = 'application/merge-patch+json';

describe('REST /api/v1/guilds/:guildId/config', () => {
  const dir = makeConfigDir();
  let t: TestApp;
  const http = () => adminApi(t.app);
  const path = (g: string) => `/api/v1/guilds/${g}/config`;

  beforeAll(async () => {
    t = await bootTestApp({ CONFIG_DIR: dir.dir });
  });
  afterAll(async () => {
    await t.close();
    dir.cleanup();
  });

  it('shows the defaults for a guild without override, every value marked default', async () => {
    const g = guildId();
    const res = await http().get(path(g)).expect(200);
    expect(res.body).toMatchObject({
      apiVersion: '1',
      guildId: g,
      section: null,
      version: null,
      problems: [],
    });
    expect(res.body.config).toEqual(defaults);
    expect(res.body.override).toEqual({});
    expect(new Set(Object.values(res.body.sources))).toEqual(new Set(['default']));
    expect(res.body.sources['notifications.templates.meeting_end']).toBe('default');
  });

  it('applies a merge patch, stores only the diff, and marks overridden values', async () => {
    const g = guildId();
    const res = await http()
      .patch(path(g))
      .set('Content-Type', MERGE_PATCH)
      .send(
        JSON.stringify({
          apiVersion: '1',
          notifications: {
            types: { user_join: true },
            templates: { meeting_end: '{{meeting.title}} is over' },
          },
          roles: { mapping: { '123456789012345678': 'moderator', 'Team Leads': 'admin' } },
          features: { hostLinkOnStart: true }, // equals the default: not stored
        }),
      )
      .expect(200);
    expect(res.body.apiVersion).toBe('1');
    expect(res.body.changes).toEqual([
      {
        key: 'notifications.templates.meeting_end',
        old: defaults.notifications.templates.meeting_end,
        new: '{{meeting.title}} is over',
      },
      { key: 'notifications.types.user_join', old: false, new: true },
      { key: 'roles.mapping.123456789012345678', old: null, new: 'moderator' },
      { key: 'roles.mapping.Team Leads', old: null, new: 'admin' },
    ]);
    expect(JSON.parse(dir.read(g))).toEqual({
      notifications: { types: { user_join: true }, templates: { meeting_end: '{{meeting.title}} is over' } },
      roles: { mapping: { '123456789012345678': 'moderator', 'Team Leads': 'admin' } },
    });

    const view = await http().get(path(g)).expect(200);
    expect(view.body.version).toEqual(expect.any(String));
    expect(view.body.config.notifications.types).toEqual({
      ...defaults.notifications.types,
      user_join: true,
    });
    expect(view.body.sources['notifications.types.user_join']).toBe('override');
    expect(view.body.sources['notifications.types.meeting_start']).toBe('default');
    expect(view.body.sources['roles.mapping.Team Leads']).toBe('override');
    expect(view.body.sources['features.hostLinkOnStart']).toBe('default');
  });

  it('accepts plain application/json too, and null restores a default (removing the file when nothing is left)', async () => {
    const g = guildId();
    await http()
      .patch(path(g))
      .send({ commands: { enabled: false } })
      .expect(200);
    expect(existsSync(join(dir.overrides, `${g}.json`))).toBe(true);
    const res = await http()
      .patch(path(g))
      .send({ commands: { enabled: null } })
      .expect(200);
    expect(res.body.changes).toEqual([{ key: 'commands.enabled', old: false, new: true }]);
    expect(res.body.version).toBeNull();
    expect(existsSync(join(dir.overrides, `${g}.json`))).toBe(false);
  });

  it('shows one section on request', async () => {
    const g = guildId();
    const res = await http()
      .get(`${path(g)}?section=roles`)
      .expect(200);
    expect(res.body.section).toBe('roles');
    expect(res.body.config).toEqual({ roles: defaults.roles });
    expect(Object.keys(res.body.sources)).toEqual(['roles.mapping']);
  });

  it.each([
    {
      field: 'notifications.colour',
      patch: { notifications: { colour: 'blue' } },
      message: 'is not a known setting',
    },
    {
      field: 'notifications.enabled',
      patch: { notifications: { enabled: 'yes' } },
      message: 'expected boolean',
    },
    {
      field: 'notifications.templates.meeting_end',
      patch: { notifications: { templates: { meeting_end: 'Bye {{user.name}}' } } },
      message: 'unknown placeholder {{user.name}}',
    },
    {
      field: 'notifications.templates.user_join',
      patch: { notifications: { templates: { user_join: 'x'.repeat(2001) } } },
      message: '2000',
    },
    {
      field: 'notifications.channels.meeting_end',
      patch: { notifications: { channels: { meeting_end: '#general' } } },
      message: 'channel',
    },
    {
      field: 'roles.mapping.Mods',
      patch: { roles: { mapping: { Mods: 'superuser' } } },
      message: 'must be one of viewer, moderator, admin',
    },
    {
      field: 'commands.permissions.kaltura-dance',
      patch: { commands: { permissions: { 'kaltura-dance': ['@everyone'] } } },
      message: 'not a command',
    },
    { field: 'features.teleport', patch: { features: { teleport: true } }, message: 'not a known feature' },
  ])('refuses a bad $field, naming it and writing nothing', async ({ patch, field, message }) => {
    const g = guildId();
    await http()
      .patch(path(g))
      .send({ commands: { enabled: false } })
      .expect(200);
    const before = dir.read(g);
    const res = await http().patch(path(g)).send(patch).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, apiVersion: '1' });
    expect(res.body.requestId).toEqual(expect.any(String));
    const error = res.body.errors.find((e: { field: string }) => e.field === field);
    expect(error?.message).toContain(message);
    expect(dir.read(g)).toBe(before);
  });

  it('refuses bodies that are not a JSON object, other media types, bad JSON and other API versions', async () => {
    const g = guildId();
    expect((await http().patch(path(g)).send([1, 2])).status).toBe(400);
    const text = await http().patch(path(g)).set('Content-Type', 'text/plain').send('enabled=true');
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const bad = await http().patch(path(g)).set('Content-Type', MERGE_PATCH).send('{"notifications":');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MALFORMED_BODY');
    const version = await http()
      .patch(path(g))
      .send({ apiVersion: '2', commands: { enabled: false } });
    expect(version.status).toBe(400);
    expect(version.body.errors[0].field).toBe('apiVersion');
    const proto = await http()
      .patch(path(g))
      .set('Content-Type', 'application/json')
      .send('{"__proto__": {"notifications": {"enabled": false}}, "roles": {"__proto__": {"x": 1}}}');
    expect(proto.status).toBe(400);
    // Refused before the schema looks at it, in document order (issue 17 item 4).
    expect(proto.body.errors.map((e: { field: string }) => e.field)).toEqual([
      '__proto__',
      'roles.__proto__',
    ]);
    expect(existsSync(join(dir.overrides, `${g}.json`))).toBe(false);
  });

  it('refuses an unknown section, and guild ids that are not snowflakes (no token can cover them)', async () => {
    const section = await http()
      .get(`${path(guildId())}?section=secrets`)
      .expect(400);
    expect(section.body.code).toBe('VALIDATION_FAILED');
    const res = await http().get(path('..%2F..%2Fetc')).set(adminAuth(t.app, guildId())).expect(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('resets one section, then everything, and audits every change (stored, and logged as config.changed)', async () => {
    const g = guildId();
    await http()
      .patch(path(g))
      .send({ notifications: { allowMentions: true }, commands: { enabled: false } })
      .expect(200);
    const one = await http()
      .delete(`${path(g)}?section=notifications`)
      .expect(200);
    expect(one.body.changes).toEqual([{ key: 'notifications.allowMentions', old: true, new: false }]);
    expect(one.body.override).toEqual({ commands: { enabled: false } });
    const all = await http().delete(path(g)).expect(200);
    expect(all.body.changes).toEqual([{ key: 'commands.enabled', old: false, new: true }]);
    expect(all.body.config).toEqual(defaults);

    const history = await http()
      .get(`${path(g)}/history`)
      .expect(200);
    expect(history.body.apiVersion).toBe('1');
    expect(history.body.entries.map((e: { action: string; keys: string[] }) => [e.action, e.keys])).toEqual([
      ['reset', ['commands.enabled']],
      ['reset', ['notifications.allowMentions']],
      ['update', ['commands.enabled', 'notifications.allowMentions']],
    ]);
    expect(history.body.entries[0].actor).toEqual({ kind: 'api', id: API_ADMIN.id, name: API_ADMIN.name });

    const events = t.logs.records().filter((r) => r.event === 'config.changed' && r.guildId === g);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      action: 'update',
      actor: { kind: 'api', id: API_ADMIN.id, name: API_ADMIN.name },
      changes: [
        { key: 'commands.enabled', old: true, new: false },
        { key: 'notifications.allowMentions', old: false, new: true },
      ],
    });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await http().get('/api/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/guilds/{guildId}/config', '/api/v1/guilds/{guildId}/config/history']),
    );
  });
});
