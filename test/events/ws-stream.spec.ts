import { register } from 'prom-client';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { WS_METRICS, WS_NAMESPACE, WS_PATH, WsStreamLimits } from '../../src/modules/stream';
import { WsStreamService } from '../../src/modules/stream/websocket/ws-stream.service';
import type { DomainEvent } from '../../src/platform/events';
import { gracefulShutdown } from '../../src/platform/http';
import { bootTestApp, TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import {
  RawStreamClient,
  StreamClient,
  connectStream,
  handshakeError,
  newGuildId,
  publish,
  receivedExactly,
  shortLivedToken,
  tokenFor,
} from './ws-support';

/** One replica without Redis (the in-process bus): the stream's rules, each checked against a client that obeys them. */
describe('WebSocket event stream (one replica, no Redis)', () => {
  let t: TestApp;
  let url: string;
  const clients: StreamClient[] = [];
  const open = async (auth: Record<string, unknown>) => {
    const c = await connectStream(url, auth);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await bootTestApp({}, { listen: true });
    url = t.url!;
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t?.close());

  it('refuses a handshake without a token, or with a bad one, naming the code', async () => {
    const none = await handshakeError(url, {});
    expect(none.message).toBe('AUTH_REQUIRED');
    expect(none.data).toEqual({ code: 'AUTH_REQUIRED', message: expect.any(String) });
    expect((await handshakeError(url, { token: 'not-a-jwt' })).message).toBe('INVALID_TOKEN');
  });

  it('serves no other namespace: the main one refuses even a valid token', async () => {
    const g = newGuildId();
    const socket = io(url, {
      path: WS_PATH,
      transports: ['websocket'],
      auth: { token: tokenFor(t.app, { [g]: 'admin' }) },
      reconnection: false,
      forceNew: true,
    });
    try {
      const err = await new Promise<Error>((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connected to /')));
        socket.once('connect_error', resolve);
      });
      expect(err.message).toBe('NAMESPACE_CLOSED');
    } finally {
      socket.disconnect();
    }
  });

  it('delivers the events of a subscribed guild, in order', async () => {
    const g = newGuildId();
    const c = await open({ token: tokenFor(t.app, { [g]: 'viewer' }) });
    expect(await c.subscribe(g)).toEqual({ ok: true, guildId: g, replayed: 0 });
    const sent = [await publish(t.app, g, 'meeting.created'), await publish(t.app, g, 'meeting.started')];
    await receivedExactly(c, ['meeting.created', 'meeting.started']);
    expect(c.events).toEqual(sent);
  });

  it('subscribes from the handshake (auth.guildId) without a message', async () => {
    const g = newGuildId();
    const c = await open({ token: tokenFor(t.app, { [g]: 'viewer' }), guildId: g });
    await publish(t.app, g, 'meeting.created');
    await receivedExactly(c, ['meeting.created']);
  });

  it("guild isolation: a token of guild A cannot subscribe to B and never receives B's events", async () => {
    const [a, b] = [newGuildId(), newGuildId()];
    const c = await open({ token: tokenFor(t.app, { [a]: 'admin' }) });
    expect(await c.subscribe(a)).toMatchObject({ ok: true });
    expect(await c.subscribe(b)).toEqual({
      ok: false,
      error: { code: 'GUILD_FORBIDDEN', message: expect.any(String) },
    });
    await publish(t.app, b, 'meeting.created', 'viewer');
    await publish(t.app, b, 'config.changed', 'admin');
    await publish(t.app, a, 'meeting.ended');
    await receivedExactly(c, ['meeting.ended']);

    // The same through the handshake: refused with the reason, then disconnected.
    const d = await open({ token: tokenFor(t.app, { [a]: 'admin' }), guildId: b });
    await eventually(() => d.disconnects.length > 0, 5_000, 'disconnect');
    expect(d.errors).toEqual([{ code: 'GUILD_FORBIDDEN', message: expect.any(String) }]);
  });

  it('a viewer does not receive admin-only events; an admin receives both', async () => {
    const g = newGuildId();
    const viewer = await open({ token: tokenFor(t.app, { [g]: 'viewer' }), guildId: g });
    const moderator = await open({ token: tokenFor(t.app, { [g]: 'moderator' }), guildId: g });
    const admin = await open({ token: tokenFor(t.app, { [g]: 'admin' }), guildId: g });
    await publish(t.app, g, 'config.changed', 'admin');
    await publish(t.app, g, 'meeting.started', 'viewer');
    await receivedExactly(admin, ['config.changed', 'meeting.started']);
    await receivedExactly(viewer, ['meeting.started']);
    await receivedExactly(moderator, ['meeting.started']);
  });

  it('rejects a malformed subscribe with a validation error and changes nothing', async () => {
    const g = newGuildId();
    const c = await open({ token: tokenFor(t.app, { [g]: 'viewer' }) });
    const ack = (await c.socket.timeout(5_000).emitWithAck('subscribe', { guildId: 42 })) as unknown;
    expect(ack).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    await publish(t.app, g, 'meeting.created');
    expect(await c.subscribe(g)).toMatchObject({ ok: true });
    await publish(t.app, g, 'meeting.started');
    await receivedExactly(c, ['meeting.started']);
  });

  it('reconnecting with the last event id gets exactly the missed events, then live ones', async () => {
    const g = newGuildId();
    const token = tokenFor(t.app, { [g]: 'viewer' });
    const first = await open({ token, guildId: g });
    await publish(t.app, g, 'meeting.created');
    await receivedExactly(first, ['meeting.created']);
    const lastEventId = first.events[0].cursor;
    first.close();

    const missed = [
      await publish(t.app, g, 'meeting.started'),
      await publish(t.app, g, 'config.changed', 'admin'), // not for a viewer, missed or not
      await publish(t.app, g, 'meeting.link_issued'),
    ];
    await publish(t.app, newGuildId(), 'meeting.started'); // another guild's

    const again = await open({ token, guildId: g, lastEventId });
    await receivedExactly(again, ['meeting.started', 'meeting.link_issued']);
    expect(again.events.map((e) => e.id)).toEqual([missed[0].id, missed[2].id]);
    await publish(t.app, g, 'meeting.ended');
    await receivedExactly(again, ['meeting.started', 'meeting.link_issued', 'meeting.ended']);
  });

  it('a Socket.IO client reconnecting by itself (auth callback, as docs/events-websocket.md shows) resumes exactly', async () => {
    const g = newGuildId();
    const token = tokenFor(t.app, { [g]: 'viewer' });
    let last: string | undefined;
    const events: DomainEvent[] = [];
    let connects = 0;
    const socket = io(`${url}${WS_NAMESPACE}`, {
      path: WS_PATH,
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
      auth: (cb) => cb({ token, guildId: g, lastEventId: last }),
    });
    socket.on('connect', () => connects++);
    socket.on('event', (e: DomainEvent) => {
      events.push(e);
      last = e.cursor;
    });
    try {
      await eventually(() => connects === 1, 5_000, 'connected');
      await publish(t.app, g, 'meeting.created');
      await eventually(() => events.length === 1, 5_000, 'first event');
      t.app.get(WsStreamService).drain(); // the transport closes, as when a pod drains
      const missed = [await publish(t.app, g, 'meeting.started'), await publish(t.app, g, 'meeting.ended')];
      await eventually(() => connects === 2, 5_000, 'reconnected');
      await eventually(() => events.length === 3, 5_000, 'the missed events');
      expect(events.slice(1).map((e) => e.id)).toEqual(missed.map((e) => e.id));
    } finally {
      socket.disconnect();
    }
  });

  it('refuses a lastEventId that is not a cursor of this bus, and changes nothing', async () => {
    const g = newGuildId();
    const c = await open({ token: tokenFor(t.app, { [g]: 'viewer' }) });
    expect(await c.subscribe(g, 'not-a-cursor')).toEqual({
      ok: false,
      error: { code: 'EVENT_CURSOR_INVALID', message: expect.any(String) },
    });
    await publish(t.app, g, 'meeting.created');
    expect(await c.subscribe(g)).toMatchObject({ ok: true });
    await publish(t.app, g, 'meeting.started');
    await receivedExactly(c, ['meeting.started']);
  });

  it('speaks the text protocol docs/events-websocket.md shows for wscat', async () => {
    const g = newGuildId();
    const raw = await RawStreamClient.connect(url, tokenFor(t.app, { [g]: 'viewer' }));
    try {
      expect(JSON.parse(raw.frames[0].slice(1))).toMatchObject({ upgrades: [], maxPayload: 16384 });
      raw.ws.send(`42/events,1${JSON.stringify(['subscribe', { guildId: g }])}`);
      await eventually(() => raw.frames.some((f) => f.startsWith('43/events,1')), 5_000, 'the ack');
      expect(raw.frames.find((f) => f.startsWith('43/events,1'))).toBe(
        `43/events,1[${JSON.stringify({ ok: true, guildId: g, replayed: 0 })}]`,
      );
      const event = await publish(t.app, g, 'meeting.started');
      await eventually(() => raw.frames.some((f) => f.startsWith('42/events,')), 5_000, 'the event');
      expect(raw.frames.find((f) => f.startsWith('42/events,'))).toBe(
        `42/events,${JSON.stringify(['event', event])}`,
      );
    } finally {
      raw.terminate();
    }
  });

  it('a token that expires ends the connection with TOKEN_EXPIRED', async () => {
    const g = newGuildId();
    const c = await open({ token: shortLivedToken(t.app, { [g]: 'viewer' }, 2), guildId: g });
    await publish(t.app, g, 'meeting.created');
    await receivedExactly(c, ['meeting.created']);
    await eventually(() => c.disconnects.length > 0, 5_000, 'disconnect at expiry');
    expect(c.errors).toEqual([{ code: 'TOKEN_EXPIRED', message: expect.any(String) }]);
    expect(c.disconnects).toEqual(['io server disconnect']); // not retried by the client
    // And a handshake with the now-expired token is refused.
    expect(
      (await handshakeError(url, { token: shortLivedToken(t.app, { [g]: 'viewer' }, -1) })).message,
    ).toBe('TOKEN_EXPIRED');
  });
});

/** The slow-consumer limit, shrunk so a test fills it in a moment. */
describe('WebSocket event stream: slow consumers', () => {
  let t: TestApp;
  const LIMIT = 20;

  beforeAll(async () => {
    t = await bootTestApp(
      {},
      {
        listen: true,
        overrides: [[WsStreamLimits, { maxBufferedPackets: LIMIT, replayPageSize: 100, maxReplay: 1000 }]],
      },
    );
  });
  afterAll(() => t?.close());

  it('a consumer that stops reading is dropped with a reason while another keeps receiving everything', async () => {
    const g = newGuildId();
    const token = tokenFor(t.app, { [g]: 'viewer' });
    const fast = await connectStream(t.url!, { token, guildId: g });
    const slow = await RawStreamClient.connect(t.url!, token, g);
    slow.pause();
    const before = await metricValue(WS_METRICS.disconnects, 'slow_consumer');

    // 64 KiB per event: the loopback's kernel buffers (a few MB) fill within a few hundred events.
    const blob = 'x'.repeat(64 * 1024);
    let published = 0;
    const dropped = async () => (await metricValue(WS_METRICS.disconnects, 'slow_consumer')) > before;
    while (!(await dropped()) && published < 2_000) {
      await publish(t.app, g, 'sync.progress', 'viewer', { blob, n: published++ });
      await new Promise((r) => setImmediate(r)); // let the sockets write, as a real event rate would
    }
    expect(await metricValue(WS_METRICS.disconnects, 'slow_consumer')).toBe(before + 1);
    // Reading again, the stalled client finds its connection ended after what the network held, short of the rest.
    slow.ws.resume();
    await eventually(() => slow.closed, 10_000, 'the slow connection closed');
    expect(slow.frames.filter((f) => f.includes('sync.progress')).length).toBeLessThan(published);
    await publish(t.app, g, 'meeting.ended');
    await eventually(() => fast.events.length === published + 1, 10_000, 'every event on the fast client');
    expect(fast.events.at(-1)?.type).toBe('meeting.ended');
    expect(fast.socket.connected).toBe(true);
    fast.close();
  });
});

/** Shutdown: open stream connections end when draining starts, so the HTTP server can close. */
describe('WebSocket event stream: graceful shutdown', () => {
  it('draining closes the transports at once (clients reconnect elsewhere) and the server stops', async () => {
    const t = await bootTestApp({}, { listen: true });
    const g = newGuildId();
    const c = await connectStream(t.url!, { token: tokenFor(t.app, { [g]: 'viewer' }), guildId: g });
    // And a connection that joined no namespace (a refused or a slow handshake) must not hold the stop either:
    // left alone, Engine.IO would close it only at its 10 s connect timeout.
    const bare = new WebSocket(`${t.url!.replace(/^http/, 'ws')}${WS_PATH}/?EIO=4&transport=websocket`);
    let bareClosed = false;
    bare.once('close', () => (bareClosed = true));
    await new Promise((resolve) => bare.once('message', resolve));
    // A drain deadline far beyond the test's: only closing the WebSockets lets the HTTP server close in time.
    const stopping = gracefulShutdown(t.app, 600_000);
    await eventually(() => bareClosed, 3_000, 'the bare connection closed by the drain');
    await stopping;
    await eventually(() => c.disconnects.length > 0, 5_000, 'disconnect on drain');
    expect(c.disconnects).toEqual(['transport close']); // a Socket.IO client retries this one
  });
});

async function metricValue(name: string, reason: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}
