import request from 'supertest';
import { parseKs } from '../../src/modules/kaltura';
import { SANDBOX_ADMIN_SECRET } from '../../src/platform/settings';
import { AuthWorld, bearer, expectProblem, fromNewClient, signIn, startAuthWorld } from '../auth/support';
import { ROOMY_LIMITS, setDefaultLimits } from '../meetings/support';
import { TestApp, bootTestApp } from '../support/app';

describe('/api/v1/guilds/:guildId/meetings through the real pipeline (sandbox Kaltura)', () => {
  let world: AuthWorld;
  let t: TestApp;
  const tokens: Record<'admin' | 'mod' | 'viewer' | 'key', string> = {
    admin: '',
    mod: '',
    viewer: '',
    key: '',
  };
  const http = () => request(t.app.getHttpServer());
  const base = () => `/api/v1/guilds/${world.guildA}/meetings`;
  const create = (token: string, body: object) => http().post(base()).set(bearer(token)).send(body);
  const ksOf = (url: string) =>
    parseKs(new URL(url, 'http://x').searchParams.get('ks') as string, SANDBOX_ADMIN_SECRET);

  beforeAll(async () => {
    world = await startAuthWorld();
    // This suite is about the routes, not the command budgets (test/meetings/limits-api.spec.ts).
    setDefaultLimits(world.env.CONFIG_DIR, ROOMY_LIMITS);
    t = await bootTestApp(world.env);
    tokens.admin = (await signIn(t, world, world.users.admin, [world.guildA])).access_token;
    tokens.mod = (await signIn(t, world, world.users.mod, [world.guildA])).access_token;
    tokens.viewer = (await signIn(t, world, world.users.viewer, [world.guildA])).access_token;
    const key = await http()
      .post(`/api/v1/guilds/${world.guildA}/api-keys`)
      .set(bearer(tokens.admin))
      .send({ name: 'integration', role: 'admin' });
    tokens.key = (
      await http()
        .post('/api/v1/auth/token')
        .set(fromNewClient())
        .send({ grant_type: 'api_key', api_key: key.body.key })
    ).body.access_token;
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it('refuses a channel of another guild with 400 CHANNEL_NOT_USABLE naming it, and creates nothing', async () => {
    const res = await create(tokens.viewer, { title: 'x', type: 'meeting', channelId: world.channels.b });
    expectProblem(res, 400, 'CHANNEL_NOT_USABLE');
    expect(res.body.detail ?? res.text).toContain(world.channels.b);
    const list = await http().get(base()).set(bearer(tokens.viewer));
    expect(list.body.items).toEqual([]);
  });

  it('creates, lists, gets, joins and ends a meeting, every body carrying apiVersion', async () => {
    const created = await create(tokens.viewer, {
      title: '  Weekly standup ',
      type: 'webinar',
      description: 'Sprint 12',
      channelId: world.channels.a,
    });
    expect(created.status).toBe(201);
    const meeting = created.body.meeting;
    expect(created.body.apiVersion).toBe('1');
    expect(meeting).toEqual({
      id: expect.stringMatching(/^[0-9A-Za-z]{10}$/),
      guildId: world.guildA,
      channelId: world.channels.a,
      hostId: world.users.viewer,
      hostName: 'victor',
      title: 'Weekly standup',
      description: 'Sprint 12',
      type: 'webinar',
      status: 'active',
      createdAt: expect.any(String),
      endedAt: null,
      endedBy: null,
    });

    const list = await http().get(base()).set(bearer(tokens.mod));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      apiVersion: '1',
      items: [expect.objectContaining({ id: meeting.id })],
    });

    const got = await http().get(`${base()}/${meeting.id}`).set(bearer(tokens.admin));
    expect(got.status).toBe(200);
    // The detail adds counts: nobody has taken a link yet (a REST start hands the host none), no recording.
    expect(got.body).toEqual({
      apiVersion: '1',
      meeting: { ...meeting, attendance: { members: 0 }, recordings: 0 },
    });

    // The host is moderator of their own meeting, whatever their Discord roles.
    const hostJoin = await http().post(`${base()}/${meeting.id}/join`).set(bearer(tokens.viewer));
    expect(hostJoin.status).toBe(200);
    expect(hostJoin.headers['cache-control']).toBe('no-store');
    expect(hostJoin.body).toMatchObject({
      apiVersion: '1',
      meetingId: meeting.id,
      role: 'moderator',
      url: expect.any(String),
    });
    expect(new Date(hostJoin.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const hostKs = ksOf(hostJoin.body.url);
    expect(hostKs.userId).toBe(`discord_${world.users.viewer}`);
    expect(hostKs.privileges).toMatchObject({
      role: 'adminRole',
      userContextualRole: '0',
      resourceId: expect.any(String),
    });

    const ended = await http().delete(`${base()}/${meeting.id}`).set(bearer(tokens.viewer));
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({
      apiVersion: '1',
      meeting: { id: meeting.id, status: 'ended', endedBy: world.users.viewer, endedAt: expect.any(String) },
    });
    expect((await http().get(base()).set(bearer(tokens.mod))).body.items).toEqual([]);
  });

  it.each([
    ['mod', 'moderator', 'adminRole', '0'],
    ['admin', 'admin', 'adminRole', '0'],
    ['viewer', 'viewer', 'viewerRole', '3'],
  ] as const)(
    'gives a %s a personal link with the mapped role (%s → %s)',
    async (who, role, kalturaRole, contextual) => {
      const meeting = (await create(tokens.admin, { title: `for ${who}`, type: 'meeting' })).body.meeting;
      const res = await http().post(`${base()}/${meeting.id}/join`).set(bearer(tokens[who]));
      expect(res.status).toBe(200);
      expect(res.body.role).toBe(role);
      const ks = ksOf(res.body.url);
      expect(ks.privileges).toMatchObject({ role: kalturaRole, userContextualRole: contextual });
      expect(ks.expiry).toBeGreaterThan(Date.now() / 1000);
      await http().delete(`${base()}/${meeting.id}`).set(bearer(tokens.admin)).expect(200);
    },
  );

  it('lets only the host or an admin end a meeting; ending twice is harmless; an ended meeting cannot be joined', async () => {
    const meeting = (await create(tokens.mod, { title: 'Only mine', type: 'classroom' })).body.meeting;
    expectProblem(
      await http().delete(`${base()}/${meeting.id}`).set(bearer(tokens.viewer)),
      403,
      'MEETING_END_FORBIDDEN',
    );
    expect((await http().get(`${base()}/${meeting.id}`).set(bearer(tokens.viewer))).body.meeting.status).toBe(
      'active',
    );

    const byAdmin = await http().delete(`${base()}/${meeting.id}`).set(bearer(tokens.admin));
    expect(byAdmin.body.meeting).toMatchObject({ status: 'ended', endedBy: world.users.admin });
    const again = await http().delete(`${base()}/${meeting.id}`).set(bearer(tokens.mod));
    expect(again.status).toBe(200);
    expect(again.body.meeting).toMatchObject({ status: 'ended', endedBy: world.users.admin });
    expectProblem(
      await http().post(`${base()}/${meeting.id}/join`).set(bearer(tokens.mod)),
      409,
      'MEETING_ENDED',
    );
  });

  it('lets an API key list, read and (as admin) end meetings, but not host or join one', async () => {
    const meeting = (await create(tokens.mod, { title: 'Keyed', type: 'meeting' })).body.meeting;
    expect((await http().get(base()).set(bearer(tokens.key))).status).toBe(200);
    expect((await http().get(`${base()}/${meeting.id}`).set(bearer(tokens.key))).status).toBe(200);
    expectProblem(await create(tokens.key, { title: 'x', type: 'meeting' }), 403, 'USER_TOKEN_REQUIRED');
    expectProblem(
      await http().post(`${base()}/${meeting.id}/join`).set(bearer(tokens.key)),
      403,
      'USER_TOKEN_REQUIRED',
    );
    const ended = await http().delete(`${base()}/${meeting.id}`).set(bearer(tokens.key));
    expect(ended.status).toBe(200);
    expect(ended.body.meeting.status).toBe('ended');
  });

  it('answers 404 for unknown and malformed meeting ids', async () => {
    for (const id of ['ZZZZZZZZZZ', 'short', 'x'.repeat(300), '..%2F..%2Fetc']) {
      expectProblem(await http().get(`${base()}/${id}`).set(bearer(tokens.admin)), 404, 'MEETING_NOT_FOUND');
      expectProblem(
        await http().post(`${base()}/${id}/join`).set(bearer(tokens.admin)),
        404,
        'MEETING_NOT_FOUND',
      );
      expectProblem(
        await http().delete(`${base()}/${id}`).set(bearer(tokens.admin)),
        404,
        'MEETING_NOT_FOUND',
      );
    }
  });

  it.each<[string, object, string[]]>([
    ['an empty body', {}, ['title', 'type']],
    ['no type', { title: 'ok' }, ['type']],
    ['an unknown type', { title: 'ok', type: 'party' }, ['type']],
    ['an empty title', { title: '', type: 'meeting' }, ['title']],
    ['a blank title', { title: '   ', type: 'meeting' }, ['title']],
    ['a 101-character title', { title: 'x'.repeat(101), type: 'meeting' }, ['title']],
    ['a numeric title', { title: 42, type: 'meeting' }, ['title']],
    [
      'a 1,001-character description',
      { title: 'ok', type: 'meeting', description: 'd'.repeat(1001) },
      ['description'],
    ],
    [
      'a channel name instead of an id',
      { title: 'ok', type: 'meeting', channelId: 'general' },
      ['channelId'],
    ],
    [
      'a host chosen by the caller',
      { title: 'ok', type: 'meeting', hostId: '123456789012345678' },
      ['hostId'],
    ],
    ['a status chosen by the caller', { title: 'ok', type: 'meeting', status: 'ended' }, ['status']],
  ])('refuses %s with 400 naming the fields, creating nothing', async (_name, body, fields) => {
    const res = await create(tokens.admin, body);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.apiVersion).toBe('1');
    for (const field of fields)
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await http().get(base()).set(bearer(tokens.admin))).body.items).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await http()
      .post(base())
      .set(bearer(tokens.admin))
      .set('Content-Type', 'application/json')
      .send('{title:');
    expectProblem(res, 400, 'MALFORMED_BODY');
  });

  it("never reveals Kaltura ids or the join link in other members' views", async () => {
    const meeting = (await create(tokens.admin, { title: 'Private link', type: 'meeting' })).body.meeting;
    const join = await http().post(`${base()}/${meeting.id}/join`).set(bearer(tokens.admin));
    const ks = new URL(join.body.url, 'http://x').searchParams.get('ks') as string;
    const view = await http().get(`${base()}/${meeting.id}`).set(bearer(tokens.viewer));
    expect(view.body.meeting.kaltura).toBeUndefined();
    expect(JSON.stringify(view.body)).not.toContain(ks);
    expect(t.logs.text).not.toContain(ks);
    await http().delete(`${base()}/${meeting.id}`).set(bearer(tokens.admin)).expect(200);
  });
});
