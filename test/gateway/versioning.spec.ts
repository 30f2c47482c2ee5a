import { Controller, Get, Module, Param, Version } from '@nestjs/common';
import request from 'supertest';
import { GuildMember } from '../../src/modules/auth';
import { MeetingsModule, MeetingsService } from '../../src/modules/meetings';
import { AuthWorld, bearer, expectProblem, signIn, startAuthWorld } from '../auth/support';
import { TestApp, bootTestApp } from '../support/app';

/**
 * What docs/api.md shows: a v2 handler added beside v1 on the same path, with a different body, reusing the same
 * guards and use case. v1 clients see no change.
 */
@Controller('guilds/:guildId/meetings')
class MeetingsV2Controller {
  constructor(private readonly meetings: MeetingsService) {}

  @Get()
  @Version('2')
  @GuildMember()
  async list(@Param('guildId') guildId: string) {
    const meetings = await this.meetings.listActive(guildId);
    return {
      apiVersion: '2',
      data: meetings.map((m) => ({ id: m.id, title: m.title })),
      total: meetings.length,
    };
  }
}

@Module({ imports: [MeetingsModule], controllers: [MeetingsV2Controller] })
class V2Module {}

describe('a v2 handler beside v1', () => {
  let world: AuthWorld;
  let t: TestApp;
  let token: string;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    world = await startAuthWorld();
    t = await bootTestApp(world.env, { imports: [V2Module] });
    token = (await signIn(t, world, world.users.admin, [world.guildA])).access_token;
    await http()
      .post(`/api/v1/guilds/${world.guildA}/meetings`)
      .set(bearer(token))
      .send({ title: 'Both', type: 'meeting' });
  });
  afterAll(async () => {
    await t.close();
    await world.stop();
  });

  it('serves v2 at /api/v2 and leaves v1 exactly as it was', async () => {
    const v1 = await http().get(`/api/v1/guilds/${world.guildA}/meetings`).set(bearer(token));
    expect(v1.body).toMatchObject({ apiVersion: '1', items: [expect.objectContaining({ title: 'Both' })] });
    const v2 = await http().get(`/api/v2/guilds/${world.guildA}/meetings`).set(bearer(token));
    expect(v2.body).toEqual({ apiVersion: '2', data: [{ id: expect.any(String), title: 'Both' }], total: 1 });
  });

  it('applies the same guards to v2, and problem documents name the version', async () => {
    const res = await http().get(`/api/v2/guilds/${world.guildB}/meetings`).set(bearer(token));
    expectProblem(res, 403, 'GUILD_FORBIDDEN');
    expect(res.body.apiVersion).toBe('2');
  });

  it('does not invent versions', async () => {
    expectProblem(
      await http().get(`/api/v3/guilds/${world.guildA}/meetings`).set(bearer(token)),
      404,
      'NOT_FOUND',
    );
    // v2 has only the list: other v1 routes are not silently served as v2.
    expectProblem(
      await http().post(`/api/v2/guilds/${world.guildA}/meetings`).set(bearer(token)).send({}),
      404,
      'NOT_FOUND',
    );
  });
});
