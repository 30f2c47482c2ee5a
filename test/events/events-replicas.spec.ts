import request from 'supertest';
import { AccessTokenService } from '../../src/modules/auth';
import { EventBus } from '../../src/platform/events';
import { bootTestApp, TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';
import { guildId, makeConfigDir } from '../config/support';
import { SseClient } from './sse-client';
import { EventStreamHub } from '../../src/modules/rest-api/events/event-stream.hub';

const REDIS_DB = REDIS_DBS.eventsReplicas;

type Role = 'admin' | 'moderator' | 'viewer';

/**
 * Two replicas on one Redis: events caused on A reach SSE clients on B (the cluster bus), with replay, guild and
 * audience scoping, and slow consumers dropped.
 */
describeWithRedis('event stream across two replicas (SSE, one Redis)', () => {
  const dir = makeConfigDir();
  let a: TestApp;
  let b: TestApp;
  const clients: SseClient[] = [];

  const auth = (t: TestApp, guilds: Record<string, Role>) => ({
    Authorization: `Bearer ${
      t.app.get(AccessTokenService).issue({
        kind: 'user',
        subject: '760000000000000009',
        displayName: 'Listener',
        guilds,
      }).token
    }`,
  });
  const listen = async (t: TestApp, g: string, role: Role = 'admin', extra: Record<string, string> = {}) => {
    const c = await SseClient.connect(`${t.url}/api/v1/guilds/${g}/events`, {
      ...auth(t, { [g]: role }),
      ...extra,
    });
    clients.push(c);
    return c;
  };
  /** A real change on replica `t`: a config write publishes `config.changed` (audience admin). */
  const patchConfig = (t: TestApp, g: string, enabled: boolean) =>
    request(t.app.getHttpServer())
      .patch(`/api/v1/guilds/${g}/config`)
      .set(auth(t, { [g]: 'admin' }))
      .set('Content-Type', 'application/merge-patch+json')
      .send({ commands: { enabled } })
      .expect(200);
  /** A viewer-visible event, published on `t` as the meetings module does. */
  const meetingEnded = (t: TestApp, g: string, n: number) =>
    t.app.get(EventBus).publish({
      type: 'meeting.ended',
      version: 1,
      guildId: g,
      audience: 'viewer',
      data: {
        meetingId: `m${n}`,
        title: `Meeting ${n}`,
        type: 'meeting',
        channelId: null,
        endedAt: new Date().toISOString(),
        endedBy: 'kaltura',
      },
    });

  beforeAll(async () => {
    await requireEmptyRedisDb(REDIS_DB);
    const env = { CONFIG_DIR: dir.dir, REDIS_URL: redisUrlForDb(REDIS_DB) };
    [a, b] = [await bootTestApp(env, { listen: true }), await bootTestApp(env, { listen: true })];
    for (const t of [a, b]) await t.app.get(EventBus).whenReady();
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await a?.close();
    await b?.close();
    dir.cleanup();
  });

  it('an event caused on A reaches an SSE client on B', async () => {
    const g = guildId();
    const onB = await listen(b, g);
    expect(onB.status).toBe(200);
    await patchConfig(a, g, false);
    const [event] = await eventually(() => onB.events.length > 0 && onB.events, 5_000, 'the event on B');
    expect(event).toMatchObject({
      type: 'config.changed',
      data: {
        type: 'config.changed',
        version: 1,
        guildId: g,
        audience: 'admin',
        data: { keys: ['commands.enabled'] },
      },
    });
    expect(event.id).toMatch(/^\d+-\d+$/);
  });

  it('a client reconnecting with Last-Event-ID gets exactly the missed events, then live ones', async () => {
    const g = guildId();
    const first = await listen(b, g);
    await meetingEnded(a, g, 1);
    await meetingEnded(a, g, 2);
    await eventually(() => first.events.length === 2, 5_000, 'two events');
    const last = first.events[1].id!;
    first.close();
    for (let n = 3; n <= 5; n++) await meetingEnded(a, g, n);

    const again = await listen(b, g, 'admin', { 'Last-Event-ID': last });
    await eventually(() => again.events.length === 3, 5_000, 'the three missed events');
    await meetingEnded(a, g, 6);
    await eventually(() => again.events.length === 4, 5_000, 'the live event');
    expect(again.events.map((e) => (e.data.data as { meetingId: string }).meetingId)).toEqual([
      'm3',
      'm4',
      'm5',
      'm6',
    ]);
    // Cursors grow, and none repeats.
    const ids = again.events.map((e) => e.id!);
    expect(new Set(ids).size).toBe(4);
    expect(ids.every((id) => id > last)).toBe(true);
  });

  it('refuses a Last-Event-ID this stream never issued, with problem+json', async () => {
    const g = guildId();
    const c = await listen(b, g, 'admin', { 'Last-Event-ID': 'not-an-id' });
    expect(c.status).toBe(400);
    expect(JSON.parse(c.body)).toMatchObject({ code: 'EVENT_CURSOR_INVALID' });
  });

  it("guild isolation: a token of guild A gets 403 for B's stream and never receives B's events", async () => {
    const [gA, gB] = [guildId(), guildId()];
    const denied = await SseClient.connect(`${b.url}/api/v1/guilds/${gB}/events`, auth(b, { [gA]: 'admin' }));
    expect(denied.status).toBe(403);
    const onA = await listen(b, gA);
    await meetingEnded(a, gB, 1);
    await patchConfig(a, gB, false);
    await meetingEnded(a, gA, 2);
    await eventually(() => onA.events.length >= 1, 5_000, "A's event");
    expect(onA.events.map((e) => e.data.guildId)).toEqual([gA]);
  });

  it('a viewer does not receive admin-only events', async () => {
    const g = guildId();
    const viewer = await listen(b, g, 'viewer');
    const moderator = await listen(b, g, 'moderator');
    const admin = await listen(b, g, 'admin');
    await patchConfig(a, g, false); // admin-only
    await meetingEnded(a, g, 1); // everyone
    await eventually(() => admin.events.length === 2 && viewer.events.length >= 1, 5_000, 'both streams');
    await eventually(() => moderator.events.length >= 1, 5_000, 'the moderator stream');
    expect(admin.events.map((e) => e.type)).toEqual(['config.changed', 'meeting.ended']);
    // The admin event came first on the wire: had it reached the viewer, it would be there by now.
    expect(viewer.events.map((e) => e.type)).toEqual(['meeting.ended']);
    expect(moderator.events.map((e) => e.type)).toEqual(['meeting.ended']);
  });

  it('a slow consumer is dropped while the others keep receiving', async () => {
    const g = guildId();
    const slow = await listen(b, g);
    const fast = await listen(b, g);
    slow.pause();
    const bus = a.app.get(EventBus);
    const hub = b.app.get(EventStreamHub);
    expect(hub.size).toBe(2);
    const keys = Array.from({ length: 100 }, (_, i) => `padding.key.${i}.${'x'.repeat(40)}`);
    let sent = 0;
    // About 6 KiB an event: the socket buffers and the 512 KiB allowance fill after a few hundred.
    await eventually(
      async () => {
        for (let i = 0; i < 50; i++, sent++) {
          await bus.publish({
            type: 'config.changed',
            version: 1,
            guildId: g,
            audience: 'admin',
            data: { version: String(sent), keys },
          });
        }
        return hub.size === 1;
      },
      30_000,
      'the slow client to be dropped',
      0,
    );
    await eventually(() => fast.events.length === sent, 10_000, 'every event on the fast client');
    await meetingEnded(a, g, 1);
    await eventually(() => fast.events.length === sent + 1, 5_000, 'the fast client to keep receiving');
    expect(fast.closed).toBe(false);
    // The dropped client, reading again within its grace, gets what was buffered, the reason, and the end.
    slow.resume();
    await eventually(
      () => slow.endReason === 'slow_consumer' && slow.closed,
      20_000,
      'the reason and the end',
    );
    expect(slow.events.length).toBeLessThan(sent);
  }, 60_000);
});
