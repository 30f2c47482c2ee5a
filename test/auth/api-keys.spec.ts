import request from 'supertest';
import { TestApp, bootTestApp } from '../support/app';
import { AuthWorld, bearer, expectProblem, fromNewClient, signIn, startAuthWorld } from './support';

describe('guild API keys: create (shown once), list, exchange, use, revoke', () => {
  let world: AuthWorld;
  let t: TestApp;
  let admin: string;
  let mod: string;
  const http = () => request(t.app.getHttpServer());
  const keysOf = (guildId: string) => `/api/v1/guilds/${guildId}/api-keys`;
  const exchange = (apiKey: unknown) =>
    http().post('/api/v1/auth/token').set(fromNewClient()).send({ grant_type: 'api_key', api_key: apiKey });

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env);
    admin = (await signIn(t, world, world.users.admin, [world.guildA, world.guildB])).access_token;
    mod = (await signIn(t, world, world.users.mod, [world.guildA])).access_token;
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it('runs the whole lifecycle', async () => {
    // Create: the key is in this answer and nowhere else.
    const created = await http()
      .post(keysOf(world.guildA))
      .set(bearer(admin))
      .send({ name: 'LMS sync', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key: string = created.body.key;
    expect(key).toMatch(/^kd_live_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({
      apiVersion: '1',
      apiKey: {
        id: expect.stringMatching(/^ak_[0-9a-f]{24}$/),
        guildId: world.guildA,
        name: 'LMS sync',
        role: 'viewer',
        createdBy: world.users.admin,
        hint: `${key.slice(0, 12)}…`,
        lastUsedAt: null,
        revokedAt: null,
      },
    });
    const id: string = created.body.apiKey.id;

    // List: no secret, no hash.
    const listed = await http().get(keysOf(world.guildA)).set(bearer(admin));
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id, name: 'LMS sync' })]);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(12));
    expect(listed.body.items[0].secretHash).toBeUndefined();

    // Exchange: an access token for that guild only, with the key's role, and no refresh token.
    const token = await exchange(key);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({
      subject_type: 'api_key',
      subject: id,
      guilds: [{ guild_id: world.guildA, role: 'viewer' }],
    });
    expect(token.body.refresh_token).toBeUndefined();
    const access: string = token.body.access_token;
    const me = await http().get('/api/v1/auth/me').set(bearer(access));
    expect(me.body).toMatchObject({ kind: 'api_key', subject: id, displayName: 'LMS sync' });
    expect(me.body.kalturaUserId).toBeUndefined();
    expect((await http().get(`/api/v1/guilds/${world.guildA}/meetings`).set(bearer(access))).status).toBe(
      200,
    );
    expectProblem(
      await http().get(`/api/v1/guilds/${world.guildB}/meetings`).set(bearer(access)),
      403,
      'GUILD_FORBIDDEN',
    );
    expect(
      (await http().get(keysOf(world.guildA)).set(bearer(admin))).body.items[0].lastUsedAt,
    ).not.toBeNull();

    // Revoke: gone from the list, the key no longer exchanges, and the token already issued stops working.
    const revoked = await http()
      .delete(`${keysOf(world.guildA)}/${id}`)
      .set(bearer(admin));
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ apiVersion: '1', apiKey: { id, revokedAt: expect.any(String) } });
    expect((await http().get(keysOf(world.guildA)).set(bearer(admin))).body.items).toEqual([]);
    expectProblem(await exchange(key), 401, 'INVALID_GRANT');
    expectProblem(
      await http().get(`/api/v1/guilds/${world.guildA}/meetings`).set(bearer(access)),
      401,
      'INVALID_TOKEN',
    );
    expectProblem(
      await http()
        .delete(`${keysOf(world.guildA)}/${id}`)
        .set(bearer(admin)),
      404,
      'API_KEY_NOT_FOUND',
    );

    expect(t.logs.text).not.toContain(key);
  });

  it('defaults the role to moderator', async () => {
    const created = await http().post(keysOf(world.guildA)).set(bearer(admin)).send({ name: 'default role' });
    expect(created.body.apiKey.role).toBe('moderator');
    await http()
      .delete(`${keysOf(world.guildA)}/${created.body.apiKey.id}`)
      .set(bearer(admin))
      .expect(200);
  });

  it('is for guild admins signed in with Discord only', async () => {
    expectProblem(
      await http().post(keysOf(world.guildA)).set(bearer(mod)).send({ name: 'x' }),
      403,
      'INSUFFICIENT_ROLE',
    );
    expectProblem(await http().get(keysOf(world.guildA)).set(bearer(mod)), 403, 'INSUFFICIENT_ROLE');
    // Alice is admin in A but only a viewer in B.
    expectProblem(
      await http().post(keysOf(world.guildB)).set(bearer(admin)).send({ name: 'x' }),
      403,
      'INSUFFICIENT_ROLE',
    );

    // Even an admin-role API key cannot mint more keys (no self-propagating credentials).
    const adminKey = (
      await http().post(keysOf(world.guildA)).set(bearer(admin)).send({ name: 'ops', role: 'admin' })
    ).body;
    const keyToken = (await exchange(adminKey.key)).body.access_token;
    expectProblem(
      await http().post(keysOf(world.guildA)).set(bearer(keyToken)).send({ name: 'x' }),
      403,
      'USER_TOKEN_REQUIRED',
    );
    expectProblem(await http().get(keysOf(world.guildA)).set(bearer(keyToken)), 403, 'USER_TOKEN_REQUIRED');
    expectProblem(
      await http()
        .delete(`${keysOf(world.guildA)}/${adminKey.apiKey.id}`)
        .set(bearer(keyToken)),
      403,
      'USER_TOKEN_REQUIRED',
    );
    await http()
      .delete(`${keysOf(world.guildA)}/${adminKey.apiKey.id}`)
      .set(bearer(admin))
      .expect(200);
  });

  it("cannot revoke another guild's key through its own guild", async () => {
    const admB = (await signIn(t, world, world.users.outsider, [world.guildB])).access_token;
    const inA = (await http().post(keysOf(world.guildA)).set(bearer(admin)).send({ name: 'a-only' })).body;
    expectProblem(
      await http()
        .delete(`${keysOf(world.guildB)}/${inA.apiKey.id}`)
        .set(bearer(admB)),
      404,
      'API_KEY_NOT_FOUND',
    );
    expect((await exchange(inA.key)).status).toBe(200);
    await http()
      .delete(`${keysOf(world.guildA)}/${inA.apiKey.id}`)
      .set(bearer(admin))
      .expect(200);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(65) }, 'name'],
    [{ name: 'bad\u0000name' }, 'name'],
    [{ name: 'ok', role: 'owner' }, 'role'],
    [{ name: 'ok', guildId: '1' }, 'guildId'],
  ])('refuses invalid body %j naming %s, creating nothing', async (body, field) => {
    const res = await http().post(keysOf(world.guildA)).set(bearer(admin)).send(body);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await http().get(keysOf(world.guildA)).set(bearer(admin))).body.items).toEqual([]);
  });

  it.each([
    ['malformed', 'not-a-key'],
    ['well-formed but unknown', `kd_live_${'B'.repeat(43)}`],
  ])('refuses a %s key', async (_name, key) => {
    expectProblem(await exchange(key), 401, 'INVALID_GRANT');
  });
});
