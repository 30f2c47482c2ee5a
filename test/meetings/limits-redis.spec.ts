import Redis from 'ioredis';
import { Counter } from 'prom-client';
import request from 'supertest';
import type { GuildConfig } from '../../src/modules/config';
import {
  BUDGET_KEY_PREFIX,
  CommandBudget,
  InMemoryMeetingRepository,
  MeetingLimits,
  RedisStartDeduplicator,
  START_KEY_PREFIX,
  type Meeting,
} from '../../src/modules/meetings';
import { AuthWorld, bearer, expectProblem, signIn, startAuthWorld } from '../auth/support';
import { aMeeting } from '../contracts/meeting-repository.contract';
import { TestApp, bootTestApp } from '../support/app';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';
import { eventually } from '../support/eventually';
import { setDefaultLimits } from './support';

/** This suite's Redis database (see test/support/redis.ts): FLUSHDB here touches no other suite. */
const REDIS_DB = REDIS_DBS.meetingLimits;
const RULE = { points: 3, windowSeconds: 60 };
const GUILD = '100000000000000001';

/** Resolves once `client` is connected: the limiters answer from process memory until then. */
async function ready(client: Redis): Promise<void> {
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
}

const limitsOf = (meetings: Partial<GuildConfig['limits']['meetings']> = {}) =>
  ({
    limits: {
      commands: { perMember: 100, perGuild: 100, windowSeconds: 60 },
      meetings: { activePerHost: 10, activePerGuild: 10, ...meetings },
    },
  }) as GuildConfig;

describeWithRedis('meeting limits shared through Redis', () => {
  const url = redisUrlForDb(REDIS_DB);
  const clients: Redis[] = [];
  const connect = async () => {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    await ready(client);
    return client;
  };

  beforeAll(async () => {
    await requireEmptyRedisDb(REDIS_DB);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('two limiter instances on their own connections draw on one budget', async () => {
    const [a, b] = [new CommandBudget(await connect()), new CommandBudget(await connect())];
    expect(await a.take('member', 'm1', RULE)).toEqual({ allowed: true });
    expect(await b.take('member', 'm1', RULE)).toEqual({ allowed: true });
    expect(await a.take('member', 'm1', RULE)).toEqual({ allowed: true });
    const refused = await b.take('member', 'm1', RULE);
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterMs).toBeGreaterThan(55_000);
    expect((await a.take('member', 'm1', RULE)).allowed).toBe(false);
    // Another key is another budget; a command given back on one instance is free on the other.
    for (let i = 0; i < RULE.points; i++) expect((await b.take('member', 'm2', RULE)).allowed).toBe(true);
    await a.giveBack('member', 'm2', RULE);
    expect((await b.take('member', 'm2', RULE)).allowed).toBe(true);
    expect((await a.take('member', 'm2', RULE)).allowed).toBe(false);
    const keys = await clients[0].keys(`${BUDGET_KEY_PREFIX}:*`);
    expect(keys.sort()).toEqual([`${BUDGET_KEY_PREFIX}:member:60:m1`, `${BUDGET_KEY_PREFIX}:member:60:m2`]);
    const ttl = await clients[0].pttl(`${BUDGET_KEY_PREFIX}:member:60:m1`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('keeps limiting in process memory while Redis cannot be reached', async () => {
    // Nothing listens on port 1: the connection never becomes ready.
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    const budget = new CommandBudget(dead);
    for (let i = 0; i < RULE.points; i++) expect((await budget.take('member', 'x', RULE)).allowed).toBe(true);
    expect((await budget.take('member', 'x', RULE)).allowed).toBe(false);
    dead.disconnect();
  });

  it('gives concurrent identical starts on two replicas one meeting and one room', async () => {
    // One store for both replicas, as MongoDB is in production.
    const repository = new InMemoryMeetingRepository();
    const counters = () => [
      new Counter({ name: 'l', help: 'l', labelNames: ['command', 'scope'], registers: [] }),
      new Counter({ name: 'd', help: 'd', registers: [] }),
    ];
    // The deduplicator's injected pause between polls tells when a replica found the key pending and waits.
    let paused = false;
    const pause = (ms: number) => {
      paused = true;
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    };
    const replica = async () => {
      const client = await connect();
      const [limited, deduplicated] = counters();
      return new MeetingLimits(
        { get: async () => limitsOf() },
        repository,
        new CommandBudget(client),
        new RedisStartDeduplicator(client, Date.now, pause),
        limited,
        deduplicated,
      );
    };
    const [a, b] = [await replica(), await replica()];
    let rooms = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const create = async (): Promise<Meeting> => {
      rooms++;
      // The first start is still making its room when the second arrives.
      await gate;
      const meeting = aMeeting({ guildId: GUILD, title: 'Standup' });
      await repository.insert(meeting);
      return meeting;
    };
    const key = {
      guildId: GUILD,
      channelId: '200000000000000001',
      hostId: '300000000000000001',
      title: 'Standup',
    };
    const find = (id: string) => repository.findInGuild(GUILD, id);
    const first = a.startOnce(key, create, find);
    const second = b.startOnce({ ...key, title: ' STANDUP' }, create, find);
    // The second replica is waiting on the first one's key, not creating.
    await eventually(() => paused || rooms > 1, 5_000, 'the second start to wait (or create)');
    expect(rooms).toBe(1);
    open();
    const [x, y] = await Promise.all([first, second]);
    expect(x.meeting.id).toBe(y.meeting.id);
    expect([x.reused, y.reused].sort()).toEqual([false, true]);
    expect(rooms).toBe(1);
    const [stored] = await clients[0].keys(`${START_KEY_PREFIX}*`);
    expect(await clients[0].get(stored)).toMatch(new RegExp(`^meeting:[^:]+:${x.meeting.id}$`));
    expect(await clients[0].pttl(stored)).toBeLessThanOrEqual(60_000);
  });
});

describeWithRedis('command budgets across two app instances on one Redis (REST)', () => {
  let world: AuthWorld;
  let a: TestApp;
  let b: TestApp;
  let raw: Redis;
  const url = redisUrlForDb(REDIS_DB);

  beforeAll(async () => {
    await requireEmptyRedisDb(REDIS_DB);
    world = await startAuthWorld();
    setDefaultLimits(world.env.CONFIG_DIR, {
      commands: { perMember: 3, perGuild: 100, windowSeconds: 60 },
      meetings: { activePerHost: 3, activePerGuild: 50 },
    });
    raw = new Redis(url);
    a = await bootTestApp({ ...world.env, REDIS_URL: url });
    b = await bootTestApp({ ...world.env, REDIS_URL: url });
    // Until their connections are up the budgets count in process memory: wait for both apps' connections.
    const limitConnections = async () =>
      (String(await raw.client('LIST')).match(/name=kd:meeting-limits/g) ?? []).length;
    await eventually(async () => (await limitConnections()) >= 2, 5_000, "both apps' limit connections");
    expect(await limitConnections()).toBe(2);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await raw.quit();
    await world.stop();
  });

  it('refuses the fourth command whichever instance answers, with 429 and Retry-After', async () => {
    const token = (await signIn(a, world, world.users.viewer, [world.guildA])).access_token;
    const list = (t: TestApp) =>
      request(t.app.getHttpServer()).get(`/api/v1/guilds/${world.guildA}/meetings`).set(bearer(token));
    expect((await list(a)).status).toBe(200);
    expect((await list(b)).status).toBe(200);
    expect((await list(a)).status).toBe(200);
    const limited = await list(b);
    expectProblem(limited, 429, 'COMMAND_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectProblem(await list(a), 429, 'COMMAND_RATE_LIMITED');
  });
});
