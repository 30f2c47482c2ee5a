import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import { CONFIG_EVENTS, ConfigChangedEvent } from '../../src/modules/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { bootTestApp, TestApp } from '../support/app';
import { adminApi, eventually, guildId, makeConfigDir } from './support';

describe('config on disk: hot reload, bad files, readiness', () => {
  const dir = makeConfigDir();
  const broken = guildId(); // has a bad file before the service starts
  let t: TestApp;
  const events: ConfigChangedEvent[] = [];
  const http = () => adminApi(t.app);
  const view = async (g: string) => (await http().get(`/api/v1/guilds/${g}/config`).expect(200)).body;

  beforeAll(async () => {
    dir.write(broken, '{ "notifications": { "enabled": false, } }');
    t = await bootTestApp({ CONFIG_DIR: dir.dir });
    t.app.get(EventEmitter2).on(CONFIG_EVENTS.changed, (e: ConfigChangedEvent) => events.push(e));
  });
  afterAll(async () => {
    await t.close();
    dir.cleanup();
  });

  it('reports a bad file found at start-up in readiness (staying ready) and in the log, before anyone asks', async () => {
    const ready = await eventually(async () => {
      const res = await http().get('/health/ready').expect(200);
      if (res.body.details.config.invalidOverrides !== 1)
        throw new Error(JSON.stringify(res.body.details.config));
      return res.body.details.config;
    });
    expect(ready).toMatchObject({ status: 'up', store: 'file', invalidation: 'local', defaults: 'ok' });
    expect(ready.invalidGuilds[0]).toContain(broken);
    const logged = t.logs
      .records()
      .find((r) => r.event === 'config.override.rejected' && r.guildId === broken);
    expect(logged).toMatchObject({ level: 'error', kind: 'unreadable', using: 'defaults' });
    const metrics = await register.getSingleMetricAsString('kd_config_invalid_overrides');
    expect(metrics).toMatch(/kd_config_invalid_overrides \d/);
    expect(metrics).not.toMatch(/kd_config_invalid_overrides 0$/m);
  });

  it('serves the defaults to that guild and shows the problem in its view', async () => {
    const body = await view(broken);
    expect(body.config.notifications.enabled).toBe(true);
    expect(body.problems).toEqual([
      expect.objectContaining({ guildId: broken, kind: 'unreadable', using: 'defaults' }),
    ]);
  });

  it('picks up a file edited on disk within a second, logs and emits it', async () => {
    const g = guildId();
    await http()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ roles: { mapping: { Mods: 'moderator' } } })
      .expect(200);
    expect((await view(g)).config.roles.mapping).toEqual({ Mods: 'moderator' });

    const edited = JSON.parse(dir.read(g));
    edited.roles.mapping.Mods = 'admin';
    edited.notifications = { types: { user_join: true } };
    writeFileSync(join(dir.overrides, `${g}.json`), JSON.stringify(edited, null, 2));

    await eventually(async () => {
      const body = await view(g);
      expect(body.config.roles.mapping).toEqual({ Mods: 'admin' });
      expect(body.config.notifications.types.user_join).toBe(true);
      expect(body.sources['notifications.types.user_join']).toBe('override');
    }, 1_000);
    expect(t.logs.records().some((r) => r.event === 'config.reloaded' && r.guildId === g)).toBe(true);
    expect(events).toContainEqual({ guildId: g, source: 'reload' });
  });

  it('does not count its own writes as reloads', async () => {
    const g = guildId();
    await http()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ commands: { enabled: false } })
      .expect(200);
    // A later marker instead of a pause: a file edited by hand after the write, whose reload the watcher reports.
    const marker = guildId();
    writeFileSync(
      join(dir.overrides, `${marker}.json`),
      JSON.stringify({ notifications: { allowMentions: true } }),
    );
    await eventually(async () => {
      expect(t.logs.records().some((r) => r.event === 'config.reloaded' && r.guildId === marker)).toBe(true);
    }, 5_000);
    expect(t.logs.records().some((r) => r.event === 'config.reloaded' && r.guildId === g)).toBe(false);
  });

  it('keeps the last good config when the file is broken by hand, then recovers when it is fixed', async () => {
    const g = guildId();
    await http()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ notifications: { allowMentions: true } })
      .expect(200);
    const good = dir.read(g);

    dir.write(
      g,
      JSON.stringify({ notifications: { allowMentions: true, templates: { meeting_end: '{{oops}}' } } }),
    );
    const rejected = await eventually(async () => {
      const body = await view(g);
      if (body.problems.length === 0) throw new Error('not reloaded yet');
      return body;
    }, 1_000);
    expect(rejected.config.notifications.allowMentions).toBe(true); // last good, not defaults
    expect(rejected.config.notifications.templates.meeting_end).not.toContain('oops');
    expect(rejected.problems[0]).toMatchObject({ kind: 'invalid', using: 'last-good' });
    expect(rejected.problems[0].errors).toEqual([
      expect.objectContaining({ field: 'notifications.templates.meeting_end' }),
    ]);

    writeFileSync(join(dir.overrides, `${g}.json`), good);
    await eventually(async () => expect((await view(g)).problems).toEqual([]), 1_000);
    expect(t.logs.records().some((r) => r.event === 'config.override.recovered' && r.guildId === g)).toBe(
      true,
    );
  });

  it('falls back to the defaults when an override file is deleted', async () => {
    const g = guildId();
    await http()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ commands: { enabled: false } })
      .expect(200);
    unlinkSync(join(dir.overrides, `${g}.json`));
    await eventually(async () => expect((await view(g)).config.commands.enabled).toBe(true), 1_000);
  });

  it('reloads the defaults file: a valid edit reaches every guild, a bad edit is refused and reported', async () => {
    const g = guildId();
    const defaultsPath = join(dir.dir, 'default_config.json');
    const original = readFileSync(defaultsPath, 'utf8');
    try {
      const changed = JSON.parse(original);
      changed.notifications.templates.user_join = '👋 {{user.name}} is here';
      writeFileSync(defaultsPath, JSON.stringify(changed));
      await eventually(
        async () =>
          expect((await view(g)).config.notifications.templates.user_join).toBe('👋 {{user.name}} is here'),
        1_000,
      );

      writeFileSync(defaultsPath, '{ "notifications": 42 }');
      const body = await eventually(async () => {
        const b = await view(g);
        if (b.problems.length === 0) throw new Error('not reloaded yet');
        return b;
      }, 1_000);
      expect(body.problems[0]).toMatchObject({ guildId: null, kind: 'invalid', using: 'last-good' });
      expect(body.config.notifications.templates.user_join).toBe('👋 {{user.name}} is here');
      const ready = await http().get('/health/ready').expect(200);
      expect(ready.body.details.config.defaults).toMatch(/last good kept/);
    } finally {
      writeFileSync(defaultsPath, original);
    }
    await eventually(async () => expect((await view(g)).problems).toEqual([]), 1_000);
  });
});
