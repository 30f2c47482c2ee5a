import { MeetingsService } from '../../src/modules/meetings';
import { EventBus, RedisEventBus } from '../../src/platform/events';
import { bootTestApp, TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { describeWithRedis, requireEmptyRedisDb, redisUrlForDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';
import { StreamClient, connectStream, newGuildId, publish, receivedExactly, tokenFor } from './ws-support';

const REDIS_DB = REDIS_DBS.wsReplicas;

/**
 * Two replicas of the service on one Redis, each with its own WebSocket server: what one replica's bus publishes
 * must reach clients connected to the other, and a client may resume on either.
 */
describeWithRedis('WebSocket stream across two replicas on one Redis', () => {
  let a: TestApp;
  let b: TestApp;
  const clients: StreamClient[] = [];
  const open = async (t: TestApp, auth: Record<string, unknown>) => {
    const c = await connectStream(t.url!, auth);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    await requireEmptyRedisDb(REDIS_DB);
    const env = { REDIS_URL: redisUrlForDb(REDIS_DB) };
    a = await bootTestApp(env, { listen: true });
    b = await bootTestApp(env, { listen: true });
    // Both replicas tail the bus before the first test publishes (and it is the Redis bus, or this proves nothing).
    for (const t of [a, b]) {
      const bus = t.app.get(EventBus);
      expect(bus).toBeInstanceOf(RedisEventBus);
      await (bus as RedisEventBus).whenReady();
    }
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('an event published on A reaches a WebSocket client on B (and one on A), once each', async () => {
    const g = newGuildId();
    const onA = await open(a, { token: tokenFor(a.app, { [g]: 'viewer' }), guildId: g });
    const onB = await open(b, { token: tokenFor(b.app, { [g]: 'viewer' }), guildId: g });
    const sent = await publish(a.app, g, 'meeting.started');
    await receivedExactly(onB, ['meeting.started']);
    await receivedExactly(onA, ['meeting.started']);
    expect(onB.events).toEqual([sent]);
    // Once each: a later event arrives right behind it, with nothing in between.
    await publish(b.app, g, 'meeting.ended');
    await receivedExactly(onA, ['meeting.started', 'meeting.ended']);
    await receivedExactly(onB, ['meeting.started', 'meeting.ended']);
  });

  it('a meeting created on A (the real use case, not a test publish) reaches a viewer on B', async () => {
    const g = newGuildId();
    const onB = await open(b, { token: tokenFor(b.app, { [g]: 'viewer' }), guildId: g });
    const meeting = await a.app.get(MeetingsService).create({
      guildId: g,
      channelId: null,
      host: { userId: '223456789012345678', displayName: 'Host', role: 'moderator' },
      title: 'Live across replicas',
      type: 'meeting',
    });
    await receivedExactly(onB, ['meeting.created', 'meeting.started']);
    expect(onB.events[0]).toMatchObject({
      guildId: g,
      data: { meetingId: meeting.id, title: 'Live across replicas' },
    });
  });

  it('a client that leaves A resumes on B with its last id and gets exactly the missed events', async () => {
    const g = newGuildId();
    const first = await open(a, { token: tokenFor(a.app, { [g]: 'viewer' }), guildId: g });
    await publish(a.app, g, 'meeting.created');
    await receivedExactly(first, ['meeting.created']);
    first.close();

    const missed = [
      await publish(a.app, g, 'meeting.started'),
      await publish(a.app, g, 'config.changed', 'admin'),
      await publish(b.app, g, 'meeting.link_issued'),
    ];
    const again = await open(b, {
      token: tokenFor(b.app, { [g]: 'viewer' }),
      guildId: g,
      lastEventId: first.events[0].cursor,
    });
    await receivedExactly(again, ['meeting.started', 'meeting.link_issued']);
    expect(again.events.map((e) => e.id)).toEqual([missed[0].id, missed[2].id]);
    await publish(a.app, g, 'meeting.ended');
    await receivedExactly(again, ['meeting.started', 'meeting.link_issued', 'meeting.ended']);
  });

  it('a resume while events keep coming gets every event once, in log order, across the replay/live seam', async () => {
    const g = newGuildId();
    const token = tokenFor(b.app, { [g]: 'viewer' });
    const all: string[] = [];
    for (let i = 0; i < 20; i++)
      all.push((await publish(a.app, g, 'sync.progress', 'viewer', { i })).cursor!);
    // Publishing goes on, on A, while the client resumes on B from the 10th event.
    let stop = false;
    const publishing = (async () => {
      for (let i = 20; i < 200 && !stop; i++) {
        all.push((await publish(a.app, g, 'sync.progress', 'viewer', { i })).cursor!);
      }
    })();
    const c = await open(b, { token, guildId: g, lastEventId: all[9] });
    await eventually(() => c.events.length >= 40, 10_000, 'the replay and some live events');
    stop = true;
    await publishing;
    const expected = all.slice(10);
    await eventually(() => c.events.length >= expected.length, 10_000, 'every event');
    expect(c.events.map((e) => e.cursor)).toEqual(expected);
  });

  it('guild isolation and audience hold across replicas', async () => {
    const [g, other] = [newGuildId(), newGuildId()];
    const viewer = await open(b, { token: tokenFor(b.app, { [g]: 'viewer' }), guildId: g });
    const admin = await open(b, { token: tokenFor(b.app, { [g]: 'admin' }), guildId: g });
    await publish(a.app, other, 'meeting.started');
    await publish(a.app, g, 'config.changed', 'admin');
    await publish(a.app, g, 'meeting.ended');
    await receivedExactly(admin, ['config.changed', 'meeting.ended']);
    await receivedExactly(viewer, ['meeting.ended']);
  });
});
