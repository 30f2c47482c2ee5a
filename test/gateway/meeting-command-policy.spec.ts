import request from 'supertest';
import { AuthWorld, bearer, expectProblem, fromNewClient, signIn, startAuthWorld } from '../auth/support';
import { TestApp, bootTestApp } from '../support/app';

/**
 * Issue 17 item 2: the guild's command rules (`commands.enabled`, `commands.permissions`) hold over REST too,
 * enforced by the meeting use cases. Users are matched by the Discord roles the bot sees; API keys act with the
 * role they were issued with.
 */
describe('guild command rules over REST', () => {
  let world: AuthWorld;
  let t: TestApp;
  const tok = { admin: '', mod: '', viewer: '', modKey: '', adminKey: '' };
  const http = () => request(t.app.getHttpServer());
  const meetings = () => `/api/v1/guilds/${world.guildA}/meetings`;
  const configure = async (patch: object) =>
    expect(
      (await http().patch(`/api/v1/guilds/${world.guildA}/config`).set(bearer(tok.admin)).send(patch)).status,
    ).toBe(200);
  const start = (token: string, title = 'Standup') =>
    http().post(meetings()).set(bearer(token)).send({ title, type: 'meeting' });
  const active = async () =>
    (await http().get(meetings()).set(bearer(tok.admin))).body.items as Array<{ title: string }>;

  async function apiKey(role: string): Promise<string> {
    const key = await http()
      .post(`/api/v1/guilds/${world.guildA}/api-keys`)
      .set(bearer(tok.admin))
      .send({ name: `policy-${role}`, role });
    const token = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'api_key', api_key: key.body.key });
    return token.body.access_token as string;
  }

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env);
    tok.admin = (await signIn(t, world, world.users.admin, [world.guildA])).access_token;
    tok.mod = (await signIn(t, world, world.users.mod, [world.guildA])).access_token;
    tok.viewer = (await signIn(t, world, world.users.viewer, [world.guildA])).access_token;
    tok.modKey = await apiKey('moderator');
    tok.adminKey = await apiKey('admin');
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });
  afterEach(() => configure({ commands: null }));

  it('a guild limiting kaltura-start to a role blocks REST callers without it, and stores nothing', async () => {
    await configure({ commands: { permissions: { 'kaltura-start': ['Mods'] } } });
    const refused = await start(tok.viewer, 'Not allowed');
    expectProblem(refused, 403, 'COMMAND_FORBIDDEN');
    expect(refused.body.detail).toBe("You don't have a role that may use /kaltura-start in this server.");
    expect((await active()).map((m) => m.title)).not.toContain('Not allowed');
    // The role (matched by name, as the bot sees the member now) and Manage Server pass.
    expect((await start(tok.mod, 'By a mod')).status).toBe(201);
    expect((await start(tok.admin, 'By an admin')).status).toBe(201);
  });

  it('matches role ids too, and applies to list, join and end', async () => {
    const created = await start(tok.mod, 'Open meeting');
    expect(created.status).toBe(201);
    const id = created.body.meeting.id as string;
    await configure({
      commands: {
        permissions: {
          'kaltura-list': [world.roles.mods],
          'kaltura-join': [world.roles.mods],
          'kaltura-end': [world.roles.mods],
        },
      },
    });
    expectProblem(await http().get(meetings()).set(bearer(tok.viewer)), 403, 'COMMAND_FORBIDDEN');
    expectProblem(
      await http().post(`${meetings()}/${id}/join`).set(bearer(tok.viewer)),
      403,
      'COMMAND_FORBIDDEN',
    );
    expectProblem(
      await http().delete(`${meetings()}/${id}`).set(bearer(tok.viewer)),
      403,
      'COMMAND_FORBIDDEN',
    );
    expect((await http().get(meetings()).set(bearer(tok.mod))).status).toBe(200);
    expect((await http().post(`${meetings()}/${id}/join`).set(bearer(tok.mod))).status).toBe(200);
    // API keys: no Discord roles; a moderator key is refused, an admin key passes (it could rewrite the list).
    const byKey = await http().get(meetings()).set(bearer(tok.modKey));
    expectProblem(byKey, 403, 'COMMAND_FORBIDDEN');
    expect(byKey.body.detail).toContain('This API key (role moderator) may not use /kaltura-list');
    expect((await http().get(meetings()).set(bearer(tok.adminKey))).status).toBe(200);
    expect((await http().delete(`${meetings()}/${id}`).set(bearer(tok.mod))).status).toBe(200);
  });

  it('commands switched off: every meeting route refuses everyone, admins and admin keys included', async () => {
    await configure({ commands: { enabled: false } });
    const refused = await start(tok.admin, 'Switched off');
    expectProblem(refused, 403, 'COMMAND_FORBIDDEN');
    expect(refused.body.detail).toBe('Kaltura commands are switched off in this server.');
    expectProblem(await http().get(meetings()).set(bearer(tok.adminKey)), 403, 'COMMAND_FORBIDDEN');
    // The config routes stay open to admins, so the guild can switch them back on.
    await configure({ commands: { enabled: true } });
    expect((await http().get(meetings()).set(bearer(tok.adminKey))).status).toBe(200);
  });
});
