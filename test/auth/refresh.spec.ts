import request from 'supertest';
import { TestApp, bootTestApp } from '../support/app';
import { AuthWorld, bearer, expectProblem, fromNewClient, signIn, startAuthWorld } from './support';

describe('POST /api/v1/auth/refresh: rotation and reuse detection', () => {
  let world: AuthWorld;
  let t: TestApp;
  const refresh = (token: unknown) =>
    request(t.app.getHttpServer())
      .post('/api/v1/auth/refresh')
      .set(fromNewClient())
      .send({ refresh_token: token });

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env);
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it('rotates: a new access and refresh token each time; the used one stops working', async () => {
    const first = await signIn(t, world, world.users.mod, [world.guildA]);
    const r1 = await refresh(first.refresh_token);
    expect(r1.status).toBe(200);
    expect(r1.headers['cache-control']).toBe('no-store');
    expect(r1.body).toMatchObject({
      apiVersion: '1',
      token_type: 'Bearer',
      subject: world.users.mod,
      guilds: [{ guild_id: world.guildA, role: 'moderator' }],
    });
    expect(r1.body.refresh_token).not.toBe(first.refresh_token);
    expect(r1.body.access_token).not.toBe(first.access_token);
    expect(
      (await request(t.app.getHttpServer()).get('/api/v1/auth/me').set(bearer(r1.body.access_token))).status,
    ).toBe(200);

    const r2 = await refresh(r1.body.refresh_token);
    expect(r2.status).toBe(200);
    expect(r2.body.refresh_token).not.toBe(r1.body.refresh_token);
  });

  it('detects reuse of a rotated token and revokes the whole family', async () => {
    const first = await signIn(t, world, world.users.viewer, [world.guildA]);
    const second = (await refresh(first.refresh_token)).body.refresh_token as string;

    const replay = await refresh(first.refresh_token);
    expectProblem(replay, 401, 'REFRESH_TOKEN_REUSED');
    // The current token of that session is dead too: a thief holding it gets nothing more.
    expectProblem(await refresh(second), 401, 'INVALID_GRANT');
    expect(t.logs.text).toContain('Refresh token reuse detected');
    expect(t.logs.text).not.toContain(first.refresh_token);

    // Other sessions of the same user are not affected.
    const other = await signIn(t, world, world.users.viewer, [world.guildA]);
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it('looks roles up again: a demotion shows at the next refresh', async () => {
    const signedIn = await signIn(t, world, world.users.mod, [world.guildA]);
    expect(signedIn.guilds).toEqual([{ guild_id: world.guildA, role: 'moderator' }]);
    world.fake.upsertMember(world.guildA, { userId: world.users.mod, username: 'morgan', roles: [] });
    try {
      const res = await refresh(signedIn.refresh_token);
      expect(res.status).toBe(200);
      expect(res.body.guilds).toEqual([{ guild_id: world.guildA, role: 'viewer' }]);
    } finally {
      world.fake.upsertMember(world.guildA, {
        userId: world.users.mod,
        username: 'morgan',
        roles: [world.roles.mods],
      });
    }
  });

  it('keeps the refresh token usable when Discord is down during the refresh', async () => {
    const signedIn = await signIn(t, world, world.users.admin, [world.guildA]);
    world.fake.failNext({ path: /^\/guilds\//, status: 500, times: 2 });
    expectProblem(await refresh(signedIn.refresh_token), 503, 'DISCORD_UNAVAILABLE');
    world.fake.clearFaults();
    expect((await refresh(signedIn.refresh_token)).status).toBe(200);
  });

  it.each([
    ['an unknown token', `kd_rt_${'A'.repeat(43)}`, 401, 'INVALID_GRANT'],
    ['an access token instead', 'eyJhbGciOiJIUzI1NiJ9.e30.sig', 401, 'INVALID_GRANT'],
    ['a number', 42, 400, 'VALIDATION_FAILED'],
    ['nothing', undefined, 400, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_name, token, status, code) => {
    expectProblem(await refresh(token), status, code);
  });
});
