import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bootTestApp, type TestApp } from '../support/app';
import { AccessTokenService } from '../../src/modules/auth';
import { ConfigStore } from '../../src/modules/config/config-store.port';
import { eventually, guildId, makeConfigDir } from '../config/support';
import { randomBytes } from './support';

/**
 * Config files broken on disk (by hand, a bad deploy, a half-written copy): every guild keeps a working
 * configuration (the last good one), the problem is reported, no route answers 5xx, and the process stays live
 * and ready. One case per kind of damage; each starts from a valid override written through the API.
 */
interface FileCase {
  name: string;
  /** What lands on disk in place of the guild's override file. */
  content: string | Buffer;
}

const cases: FileCase[] = [
  { name: 'truncated JSON', content: '{"notifications": {"allowMentions": tr' },
  { name: 'trailing comma', content: '{ "notifications": { "enabled": false, } }' },
  { name: 'empty file', content: '' },
  { name: 'random bytes', content: randomBytes(4096, 9) },
  {
    name: 'UTF-16 with BOM',
    content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"notifications":{}}', 'utf16le')]),
  },
  { name: 'a JSON array', content: '[{"notifications":{"enabled":false}}]' },
  { name: 'JSON null', content: 'null' },
  { name: 'wrong types', content: JSON.stringify({ notifications: { enabled: 'yes', types: 7 } }) },
  { name: 'unknown section', content: JSON.stringify({ billing: { plan: 'pro' } }) },
  {
    name: 'template with an unknown placeholder',
    content: JSON.stringify({ notifications: { templates: { meeting_end: '{{process.env.JWT_SECRET}}' } } }),
  },
  {
    name: '__proto__ pollution',
    content: '{"__proto__": {"polluted": true}, "notifications": {"enabled": "x"}}',
  },
  { name: 'deeply nested', content: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` },
  {
    name: 'a 3 MB file',
    content: JSON.stringify({ notifications: { templates: { meeting_end: 'x'.repeat(3_000_000) } } }),
  },
];

describe('config files broken on disk: last good config served, problem reported, never a 5xx', () => {
  const dir = makeConfigDir();
  let t: TestApp;
  // A new admin per request: polling would spend one admin's rate-limit budget (120 a minute) in seconds.
  let admins = 0;
  const api = () => {
    const call = (method: 'get' | 'patch', url: string) => {
      admins += 1;
      const guild = /\/guilds\/(\d+)\//.exec(url)?.[1] ?? '';
      const { token } = t.app.get(AccessTokenService).issue({
        kind: 'user',
        subject: String(770000000000000000n + BigInt(admins)),
        displayName: `Admin ${admins}`,
        guilds: { [guild]: 'admin' },
      });
      return request(t.app.getHttpServer())[method](url).set('Authorization', `Bearer ${token}`);
    };
    return { get: (url: string) => call('get', url), patch: (url: string) => call('patch', url) };
  };

  beforeAll(async () => {
    t = await bootTestApp({ CONFIG_DIR: dir.dir });
  });
  afterAll(async () => {
    await t?.close();
    dir.cleanup();
  });

  it.each(cases)('$name', async ({ content }) => {
    const g = guildId();
    await api()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ notifications: { allowMentions: true } })
      .expect(200);
    const file = join(dir.overrides, `${g}.json`);
    writeFileSync(file, content);

    const body = await eventually(
      async () => {
        const res = await api().get(`/api/v1/guilds/${g}/config`);
        expect(res.status).toBe(200);
        if (res.body.problems.length === 0) throw new Error('not reloaded yet ');
        return res.body;
      },
      3_000,
      'the broken file to be noticed',
    );
    expect(body.config.notifications.allowMentions).toBe(true); // the last good config, not the broken one
    expect(body.problems[0]).toMatchObject({ using: 'last-good' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Every route of that guild still answers without a server error; the process is live and ready.
    const writes = await api()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ notifications: { enabled: false } });
    expect(writes.status).toBeLessThan(500);
    expect((await api().get(`/api/v1/guilds/${g}/config/history`)).status).toBeLessThan(500);
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    const ready = await request(t.app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(200);
  });

  it('a directory in place of the file: a working config still served, never a 5xx', async () => {
    const g = guildId();
    await api()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ notifications: { allowMentions: true } })
      .expect(200);
    const file = join(dir.overrides, `${g}.json`);
    // The store tells its listeners (the config service first) once the watcher has seen the change.
    const seen: string[] = [];
    const unwatch = t.app.get(ConfigStore).watch((id) => seen.push(id));
    rmSync(file);
    mkdirSync(file);
    await eventually(
      () => expect(seen.some((id) => id === g || id === '*')).toBe(true),
      3_000,
      'the watcher to report the change',
    );
    unwatch();
    const res = await api().get(`/api/v1/guilds/${g}/config`);
    expect(res.status).toBe(200);
    // The last good override or the defaults: either is a whole, valid config.
    expect(typeof res.body.config.notifications.allowMentions).toBe('boolean');
    // Writing over it cannot succeed (a directory is in the way), but must not take the process down.
    await api()
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ notifications: { enabled: false } });
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    rmSync(file, { recursive: true });
  });

  it('the defaults file itself broken: every guild keeps the last good defaults; still ready', async () => {
    const g = guildId();
    writeFileSync(join(dir.dir, 'default_config.json'), '{"notifications": ');
    const body = await eventually(
      async () => {
        const res = await api().get(`/api/v1/guilds/${g}/config`);
        expect(res.status).toBe(200);
        if (!res.body.problems.some((p: { guildId: string | null }) => p.guildId === null))
          throw new Error('not yet');
        return res.body;
      },
      3_000,
      'the broken defaults to be noticed',
    );
    expect(body.config.commands.enabled).toBe(true);
    await request(t.app.getHttpServer()).get('/health/ready').expect(200);
  });
});
