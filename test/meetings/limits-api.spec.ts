import request from 'supertest';
import { AuthWorld, bearer, expectProblem, signIn, startAuthWorld } from '../auth/support';
import { TestApp, bootTestApp } from '../support/app';
import { setDefaultLimits } from './support';

const MERGE_PATCH = 'application/merge-patch+json';

/** The budgets and caps over REST: 429 problem+json with Retry-After, 409 at a cap, 200 for a duplicate start. */
describe('meeting limits over /api/v1 (one instance, in-memory counters)', () => {
  let world: AuthWorld;
  let t: TestApp;
  const tokens = { admin: '', mod: '', viewer: '' };
  const http = () => request(t.app.getHttpServer());
  const meetings = () => `/api/v1/guilds/${world.guildA}/meetings`;
  const start = (token: string, title: string, channelId = world.channels.a) =>
    http().post(meetings()).set(bearer(token)).send({ title, type: 'meeting', channelId });
  const list = (token: string) => http().get(meetings()).set(bearer(token));

  beforeAll(async () => {
    world = await startAuthWorld();
    setDefaultLimits(world.env.CONFIG_DIR, {
      commands: { perMember: 4, perGuild: 100, windowSeconds: 60 },
      meetings: { activePerHost: 1, activePerGuild: 50 },
    });
    t = await bootTestApp(world.env);
    for (const who of ['admin', 'mod', 'viewer'] as const)
      tokens[who] = (await signIn(t, world, world.users[who], [world.guildA])).access_token;
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it('answers an identical start with the same meeting (200), and a start past the host cap with 409', async () => {
    const first = await start(tokens.mod, 'Retro');
    expect(first.status).toBe(201);
    const again = await start(tokens.mod, 'Retro');
    expect(again.status).toBe(200);
    expect(again.body.meeting.id).toBe(first.body.meeting.id);
    expectProblem(await start(tokens.mod, 'Another'), 409, 'ACTIVE_MEETINGS_LIMIT');
    // The three starts took three of the mod's four commands: one list is left, then 429.
    expect((await list(tokens.mod)).status).toBe(200);
    const limited = await list(tokens.mod);
    expectProblem(limited, 429, 'COMMAND_RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.detail).toBe(
      `You are using meeting commands too quickly. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
    );
    // Every meeting use case draws on the same budget; other members have their own.
    expectProblem(
      await http().delete(`${meetings()}/${first.body.meeting.id}`).set(bearer(tokens.mod)),
      429,
      'COMMAND_RATE_LIMITED',
    );
    expect((await list(tokens.viewer)).status).toBe(200);
    expect((await http().get(`${meetings()}/${first.body.meeting.id}`).set(bearer(tokens.mod))).status).toBe(
      200,
    );
  });

  it('takes per-guild limits from the guild configuration, validated', async () => {
    const patch = (body: object) =>
      http()
        .patch(`/api/v1/guilds/${world.guildA}/config`)
        .set(bearer(tokens.admin))
        .set('Content-Type', MERGE_PATCH)
        .send(JSON.stringify(body));
    for (const bad of [0, 101, 2.5, '10'])
      expectProblem(await patch({ limits: { commands: { perMember: bad } } }), 400, 'VALIDATION_FAILED');
    expect((await patch({ limits: { commands: { perMember: 1 } } })).status).toBe(200);
    expect((await list(tokens.admin)).status).toBe(200);
    expectProblem(await list(tokens.admin), 429, 'COMMAND_RATE_LIMITED');
  });
});
