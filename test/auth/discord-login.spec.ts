import request from 'supertest';
import { TestApp, bootTestApp } from '../support/app';
import { AuthWorld, bearer, expectProblem, fromNewClient, signIn, startAuthWorld } from './support';

describe('POST /api/v1/auth/token (grant_type=discord_code) against the fake Discord', () => {
  let world: AuthWorld;
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env);
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });
  beforeEach(() => world.fake.clearFaults());

  it('exchanges a code, checks membership with the bot, and issues tokens with the mapped role per guild', async () => {
    world.fake.addOAuthCode({
      code: 'alice-code',
      userId: world.users.admin,
      redirectUri: 'https://app.example/cb',
    });
    world.fake.clearCalls();
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({
        grant_type: 'discord_code',
        code: 'alice-code',
        redirect_uri: 'https://app.example/cb',
        guild_ids: [world.guildA, world.guildB],
      });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      apiVersion: '1',
      token_type: 'Bearer',
      expires_in: 900,
      subject_type: 'user',
      subject: world.users.admin,
      refresh_token: expect.stringMatching(/^kd_rt_/),
    });
    expect(res.body.guilds).toEqual(
      expect.arrayContaining([
        { guild_id: world.guildA, role: 'admin' },
        { guild_id: world.guildB, role: 'viewer' },
      ]),
    );

    // Discord saw the code exchange with our client credentials, the user's bearer call, and bot lookups.
    const exchange = world.fake.findCalls((c) => c.route === 'POST /oauth2/token')[0];
    expect(exchange.status).toBe(200);
    expect(exchange.body).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: 'https://app.example/cb',
    });
    expect(world.fake.findCalls((c) => c.path === '/users/@me')[0].headers.authorization).toMatch(/^Bearer /);
    const memberCall = world.fake.findCalls(
      (c) => c.path === `/guilds/${world.guildA}/members/${world.users.admin}`,
    )[0];
    expect(memberCall.headers.authorization).toBe(`Bot ${world.fake.token}`);

    const me = await http().get('/api/v1/auth/me').set(bearer(res.body.access_token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      apiVersion: '1',
      kind: 'user',
      subject: world.users.admin,
      displayName: 'Alice',
      kalturaUserId: `discord_${world.users.admin}`,
    });
    expect(me.body.guilds).toHaveLength(2);
  });

  it.each([
    ['mod', 'moderator'],
    ['viewer', 'viewer'],
    ['owner', 'admin'],
  ] as const)(
    'maps %s to %s (role mapping from the guild config, owner and ManageGuild as admin)',
    async (who, role) => {
      const body = await signIn(t, world, world.users[who], [world.guildA]);
      expect(body.guilds).toEqual([{ guild_id: world.guildA, role }]);
    },
  );

  it('gives Administrator-permission members admin', async () => {
    const body = await signIn(t, world, world.users.outsider, [world.guildB]);
    expect(body.guilds).toEqual([{ guild_id: world.guildB, role: 'admin' }]);
  });

  it('issues a token without guilds when none are asked for (it reaches only /auth/me)', async () => {
    const body = await signIn(t, world, world.users.viewer, []);
    expect(body.guilds).toEqual([]);
    const list = await http().get(`/api/v1/guilds/${world.guildA}/meetings`).set(bearer(body.access_token));
    expectProblem(list, 403, 'GUILD_FORBIDDEN');
  });

  it('refuses a bad code with 401 problem+json and issues nothing', async () => {
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'no-such-code' });
    expectProblem(res, 401, 'INVALID_GRANT');
    expect(res.body.access_token).toBeUndefined();
  });

  it('refuses a code used twice', async () => {
    world.fake.addOAuthCode({ code: 'once', userId: world.users.viewer });
    expect(
      (
        await http()
          .post('/api/v1/auth/token')
          .set(fromNewClient())
          .send({ grant_type: 'discord_code', code: 'once' })
      ).status,
    ).toBe(200);
    expectProblem(
      await http()
        .post('/api/v1/auth/token')
        .set(fromNewClient())
        .send({ grant_type: 'discord_code', code: 'once' }),
      401,
      'INVALID_GRANT',
    );
  });

  it('refuses a redirect_uri that does not match the authorization request', async () => {
    world.fake.addOAuthCode({
      code: 'redir',
      userId: world.users.viewer,
      redirectUri: 'https://app.example/cb',
    });
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'redir', redirect_uri: 'https://evil.example/cb' });
    expectProblem(res, 401, 'INVALID_GRANT');
  });

  it('refuses a user who is not in a requested guild with 403, issuing no token', async () => {
    world.fake.addOAuthCode({ code: 'outsider', userId: world.users.outsider });
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'outsider', guild_ids: [world.guildA] });
    expectProblem(res, 403, 'NOT_GUILD_MEMBER');
    expect(res.body.access_token).toBeUndefined();
  });

  it('refuses a guild the bot is not in', async () => {
    world.fake.addOAuthCode({ code: 'unknown-guild', userId: world.users.viewer });
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'unknown-guild', guild_ids: ['999999999999999999'] });
    expectProblem(res, 403, 'NOT_GUILD_MEMBER');
  });

  it('answers 503 when Discord fails, without leaking anything', async () => {
    world.fake.addOAuthCode({ code: 'flaky', userId: world.users.viewer });
    world.fake.failNext({ path: /^\/oauth2\/token$/, status: 502 });
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'flaky' });
    expectProblem(res, 503, 'DISCORD_UNAVAILABLE');
    expect(JSON.stringify(res.body)).not.toContain(world.fake.clientSecret);
  });

  it('answers 503 when the connection to Discord drops', async () => {
    world.fake.addOAuthCode({ code: 'dropped', userId: world.users.viewer });
    world.fake.dropNext({ path: /^\/users\/@me$/ });
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'dropped' });
    expectProblem(res, 503, 'DISCORD_UNAVAILABLE');
  });

  it.each([
    [{}, 'grant_type'],
    [{ grant_type: 'password', username: 'a' }, 'username'],
    [{ grant_type: 'password' }, 'grant_type'],
    [{ grant_type: 'discord_code' }, 'code'],
    [{ grant_type: 'discord_code', code: 'x', guild_ids: ['not-a-snowflake'] }, 'guild_ids'],
    [
      {
        grant_type: 'discord_code',
        code: 'x',
        guild_ids: Array.from({ length: 11 }, (_, i) => `1000000000000000${10 + i}`),
      },
      'guild_ids',
    ],
    [{ grant_type: 'discord_code', code: 'x', redirect_uri: 'javascript:alert(1)' }, 'redirect_uri'],
    [{ grant_type: 'discord_code', code: 'x', api_key: 'kd_live_x' }, 'api_key'],
    [{ grant_type: 'api_key' }, 'api_key'],
    [{ grant_type: 'api_key', api_key: 'kd_live_x', code: 'x' }, 'code'],
  ])('refuses invalid request %j naming %s', async (body, field) => {
    const res = await http().post('/api/v1/auth/token').set(fromNewClient()).send(body);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await http()
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .set('Content-Type', 'application/json')
      .send('{"grant_type":');
    expectProblem(res, 400, 'MALFORMED_BODY');
  });

  it('never logged a secret: client secret, bot token, Discord user tokens, our tokens', async () => {
    const body = await signIn(t, world, world.users.viewer, [world.guildA]);
    const discordUserTokens = world.fake
      .findCalls((c) => c.path === '/users/@me')
      .map((c) => (c.headers.authorization ?? '').split(' ')[1]);
    expect(discordUserTokens.length).toBeGreaterThan(0);
    const logs = t.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      world.fake.clientSecret,
      world.fake.token,
      world.env.JWT_SECRET,
      body.access_token,
      body.refresh_token,
      ...discordUserTokens,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('discord_code without a bot token', () => {
  it('cannot check guild membership, so answers 503 and issues no token', async () => {
    const world = await startAuthWorld();
    const { DISCORD_TOKEN: _bot, ...env } = world.env;
    const t = await bootTestApp(env);
    try {
      world.fake.addOAuthCode({ code: 'no-bot', userId: world.users.admin });
      const res = await request(t.app.getHttpServer())
        .post('/api/v1/auth/token')
        .send({ grant_type: 'discord_code', code: 'no-bot', guild_ids: [world.guildA] });
      expectProblem(res, 503, 'DISCORD_UNAVAILABLE');
      expect(t.logs.text).toContain('DISCORD_TOKEN is not set');
    } finally {
      await t.close();
      await world.stop();
    }
  });
});

describe('discord_code when Discord login is not configured', () => {
  it('refuses the grant type with 400 UNSUPPORTED_GRANT_TYPE', async () => {
    const t = await bootTestApp({});
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'anything' });
    expectProblem(res, 400, 'UNSUPPORTED_GRANT_TYPE');
    expect(res.body.detail).toContain('DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET are not set');
    await t.close();
  });

  it('names the one variable missing when only the client id is set', async () => {
    const t = await bootTestApp({ DISCORD_CLIENT_ID: '123456789012345678' });
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/auth/token')
      .set(fromNewClient())
      .send({ grant_type: 'discord_code', code: 'anything' });
    expectProblem(res, 400, 'UNSUPPORTED_GRANT_TYPE');
    expect(res.body.detail).toContain('DISCORD_CLIENT_SECRET is not set');
    expect(res.body.detail).not.toContain('DISCORD_CLIENT_ID');
    await t.close();
  });
});
