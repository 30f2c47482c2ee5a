import { createHmac } from 'node:crypto';
import request from 'supertest';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../src/modules/auth';
import { TestApp, bootTestApp } from '../support/app';
import { AuthWorld, bearer, expectProblem, signIn, startAuthWorld } from './support';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function sign(header: object, payload: object, secret: string, hash = 'sha256'): string {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`;
}

describe('JWT attacks on the REST API: 401/403 problem+json, and nothing changes', () => {
  let world: AuthWorld;
  let t: TestApp;
  let adminA: string;
  let viewerA: string;
  let outsiderB: string;
  const http = () => request(t.app.getHttpServer());
  const now = () => Math.floor(Date.now() / 1000);
  /** Claims exactly like a real admin token for guild A, to vary one thing at a time. */
  const claims = (extra: object = {}) => ({
    typ: 'user',
    name: 'Mallory',
    guilds: { [world.guildA]: 'admin' },
    sub: world.users.viewer,
    jti: 'forged',
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    iat: now(),
    exp: now() + 600,
    ...extra,
  });

  const createIn = (guildId: string, token?: string) => {
    const req = http().post(`/api/v1/guilds/${guildId}/meetings`);
    if (token !== undefined) req.set(bearer(token));
    return req.send({ title: 'Forged', type: 'meeting' });
  };
  const activeIn = async (guildId: string, token: string) =>
    (await http().get(`/api/v1/guilds/${guildId}/meetings`).set(bearer(token))).body.items as unknown[];

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env);
    adminA = (await signIn(t, world, world.users.admin, [world.guildA])).access_token;
    viewerA = (await signIn(t, world, world.users.viewer, [world.guildA])).access_token;
    outsiderB = (await signIn(t, world, world.users.outsider, [world.guildB])).access_token;
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it('control: a hand-made token with the right secret and claims is accepted (so the refusals below are real)', async () => {
    const res = await http()
      .get('/api/v1/auth/me')
      .set(bearer(sign({ alg: 'HS256', typ: 'JWT' }, claims(), world.env.JWT_SECRET)));
    expect(res.status).toBe(200);
  });

  describe('401 on every kind of bad token, with a WWW-Authenticate challenge', () => {
    const cases: Array<[string, () => Record<string, string>, string]> = [
      ['no Authorization header', () => ({}), 'AUTH_REQUIRED'],
      ['an empty bearer', () => ({ Authorization: 'Bearer ' }), 'AUTH_REQUIRED'],
      [
        'another scheme',
        () => ({ Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
        'AUTH_REQUIRED',
      ],
      ['the literal token "none"', () => bearer('none'), 'INVALID_TOKEN'],
      [
        'alg: none, unsigned',
        () => bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`),
        'INVALID_TOKEN',
      ],
      [
        'alg: HS512 with the right secret',
        () => bearer(sign({ alg: 'HS512' }, claims(), world.env.JWT_SECRET, 'sha512')),
        'INVALID_TOKEN',
      ],
      [
        'a wrong signature',
        () => bearer(sign({ alg: 'HS256' }, claims(), 'not-the-secret-'.repeat(3))),
        'INVALID_TOKEN',
      ],
      [
        'a real token whose payload was edited (viewer → admin)',
        () => {
          const [h, , s] = viewerA.split('.');
          const payload = JSON.parse(Buffer.from(viewerA.split('.')[1], 'base64url').toString());
          payload.guilds[world.guildA] = 'admin';
          return bearer(`${h}.${b64(payload)}.${s}`);
        },
        'INVALID_TOKEN',
      ],
      [
        'expired',
        () =>
          bearer(
            sign({ alg: 'HS256' }, claims({ iat: now() - 1000, exp: now() - 10 }), world.env.JWT_SECRET),
          ),
        'TOKEN_EXPIRED',
      ],
      [
        'a wrong audience',
        () => bearer(sign({ alg: 'HS256' }, claims({ aud: 'another-service' }), world.env.JWT_SECRET)),
        'INVALID_TOKEN',
      ],
      [
        'a wrong issuer',
        () => bearer(sign({ alg: 'HS256' }, claims({ iss: 'someone-else' }), world.env.JWT_SECRET)),
        'INVALID_TOKEN',
      ],
      ['garbage', () => bearer('eyJhbGciOi.garbage.x'), 'INVALID_TOKEN'],
    ];

    it.each(cases)('%s', async (_name, headers, code) => {
      const res = await createIn(world.guildA).set(headers());
      expectProblem(res, 401, code);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="kaltura-discord"/);
      expect((await http().get('/api/v1/auth/me').set(headers())).status).toBe(401);
      expect((await http().get(`/api/v1/guilds/${world.guildA}/api-keys`).set(headers())).status).toBe(401);
    });

    it('created nothing', async () => {
      expect(await activeIn(world.guildA, adminA)).toEqual([]);
    });
  });

  describe('403 for a valid token used outside its scope', () => {
    it("refuses a guild B token on guild A's routes (read, create, join, end) and changes nothing", async () => {
      const created = await createIn(world.guildA, adminA);
      expect(created.status).toBe(201);
      const id = created.body.meeting.id;

      expectProblem(
        await http().get(`/api/v1/guilds/${world.guildA}/meetings`).set(bearer(outsiderB)),
        403,
        'GUILD_FORBIDDEN',
      );
      expectProblem(await createIn(world.guildA, outsiderB), 403, 'GUILD_FORBIDDEN');
      expectProblem(
        await http().get(`/api/v1/guilds/${world.guildA}/meetings/${id}`).set(bearer(outsiderB)),
        403,
        'GUILD_FORBIDDEN',
      );
      expectProblem(
        await http().post(`/api/v1/guilds/${world.guildA}/meetings/${id}/join`).set(bearer(outsiderB)),
        403,
        'GUILD_FORBIDDEN',
      );
      expectProblem(
        await http().delete(`/api/v1/guilds/${world.guildA}/meetings/${id}`).set(bearer(outsiderB)),
        403,
        'GUILD_FORBIDDEN',
      );
      expectProblem(
        await http().get(`/api/v1/guilds/${world.guildA}/api-keys`).set(bearer(outsiderB)),
        403,
        'GUILD_FORBIDDEN',
      );

      // Guild A's meeting is untouched and still active; guild B got nothing.
      const still = await http().get(`/api/v1/guilds/${world.guildA}/meetings/${id}`).set(bearer(adminA));
      expect(still.body.meeting).toMatchObject({ id, status: 'active' });
      expect(await activeIn(world.guildA, adminA)).toHaveLength(1);
      expect(await activeIn(world.guildB, outsiderB)).toEqual([]);
      // A meeting of guild A is invisible through guild B's path, even for a legitimate guild B member.
      expectProblem(
        await http().get(`/api/v1/guilds/${world.guildB}/meetings/${id}`).set(bearer(outsiderB)),
        404,
        'MEETING_NOT_FOUND',
      );
      await http().delete(`/api/v1/guilds/${world.guildA}/meetings/${id}`).set(bearer(adminA)).expect(200);
    });

    it("refuses guild A's token on guild B", async () => {
      expectProblem(await createIn(world.guildB, adminA), 403, 'GUILD_FORBIDDEN');
      expect(await activeIn(world.guildB, outsiderB)).toEqual([]);
    });

    it('refuses a member below the required role (viewer on an admin route)', async () => {
      const res = await http()
        .post(`/api/v1/guilds/${world.guildA}/api-keys`)
        .set(bearer(viewerA))
        .send({ name: 'x' });
      expectProblem(res, 403, 'INSUFFICIENT_ROLE');
      expect(
        (await http().get(`/api/v1/guilds/${world.guildA}/api-keys`).set(bearer(adminA))).body.items,
      ).toEqual([]);
    });

    it('answers 403 for a guild id that is not even a snowflake (no scope can match)', async () => {
      expectProblem(
        await http().get('/api/v1/guilds/__proto__/meetings').set(bearer(adminA)),
        403,
        'GUILD_FORBIDDEN',
      );
      expectProblem(
        await http().get('/api/v1/guilds/constructor/meetings').set(bearer(adminA)),
        403,
        'GUILD_FORBIDDEN',
      );
    });
  });
});
