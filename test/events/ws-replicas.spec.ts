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
    // Both buses listen before the first test publishes: a probe published on each reaches a client on the other.
    const g = newGuildId();
    const onA = await open(a, { token: tokenFor(a.app, { [g]: 'viewer' }), guildId: g });
    const onB = await open(b, { token: tokenFor(b.app, { [g]: 'viewer' }), guildId: g });
    await eventually(
      async () => {
        await publish(a.app, g, 'probe');
        await publish(b.app, g, 'probe');
        return onA.events.length > 0 && onB.events.length > 0;
      },
      10_000,
      'both replicas subscribed to the bus',
      200,
    );
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
      lastEventId: first.events[0].id,
    });
    await receivedExactly(again, ['meeting.started', 'meeting.link_issued']);
    expect(again.events.map((e) => e.id)).toEqual([missed[0].id, missed[2].id]);
    await publish(a.app, g, 'meeting.ended');
    await receivedExactly(again, ['meeting.started', 'meeting.link_issued', 'meeting.ended']);
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
