import request from 'supertest';
import { TestApp, bootTestApp } from '../support/app';
import { AuthWorld, bearer, expectProblem, signIn, startAuthWorld } from './support';

/** The config routes carry the guild-admin guard like every admin route: never skipped, whatever the mode. */
describe('/api/v1/guilds/:guildId/config is for guild admins only', () => {
  let world: AuthWorld;
  let t: TestApp;
  let admin: string;
  let mod: string;
  let outsider: string;
  const http = () => request(t.app.getHttpServer());
  const configOf = (guildId: string) => `/api/v1/guilds/${guildId}/config`;
  const patch = { notifications: { types: { user_join: true } } };

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env);
    admin = (await signIn(t, world, world.users.admin, [world.guildA])).access_token;
    mod = (await signIn(t, world, world.users.mod, [world.guildA])).access_token;
    outsider = (await signIn(t, world, world.users.outsider, [world.guildB])).access_token;
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it('runs outside production and still refuses an anonymous caller (the old guard skipped itself there)', () => {
    expect(t.settings.env).not.toBe('production');
  });

  it('refuses callers without a token, outside the guild, or below admin, and changes nothing', async () => {
    const before = (await http().get(configOf(world.guildA)).set(bearer(admin))).body;
    expectProblem(await http().get(configOf(world.guildA)), 401, 'AUTH_REQUIRED');
    expectProblem(await http().get(configOf(world.guildA)).set(bearer(mod)), 403, 'INSUFFICIENT_ROLE');
    expectProblem(await http().get(configOf(world.guildA)).set(bearer(outsider)), 403, 'GUILD_FORBIDDEN');
    expectProblem(
      await http().patch(configOf(world.guildA)).set(bearer(mod)).send(patch),
      403,
      'INSUFFICIENT_ROLE',
    );
    expectProblem(
      await http().patch(configOf(world.guildA)).set(bearer(outsider)).send(patch),
      403,
      'GUILD_FORBIDDEN',
    );
    expectProblem(await http().delete(configOf(world.guildA)).set(bearer(mod)), 403, 'INSUFFICIENT_ROLE');
    expectProblem(
      await http().delete(configOf(world.guildA)).set(bearer('forged.token.value')),
      401,
      'INVALID_TOKEN',
    );
    const after = (await http().get(configOf(world.guildA)).set(bearer(admin))).body;
    expect(after).toEqual(before);
    expect(after.version).toBeNull();
  });

  it('lets a guild admin read and change it, audited under their Discord id', async () => {
    const read = await http().get(configOf(world.guildA)).set(bearer(admin));
    expect(read.status).toBe(200);
    expect(read.body.apiVersion).toBe('1');
    const changed = await http().patch(configOf(world.guildA)).set(bearer(admin)).send(patch);
    expect(changed.status).toBe(200);
    const history = await http()
      .get(`${configOf(world.guildA)}/history`)
      .set(bearer(admin));
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body.entries)).toContain(world.users.admin);
  });
});
