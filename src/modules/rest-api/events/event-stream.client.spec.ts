import { DomainEvent } from '../../../platform/events';
import { EndReason, EventStreamClient, StreamSink } from './event-stream.client';

class FakeSink implements StreamSink {
  chunks: string[] = [];
  ended = false;
  destroyed = false;
  writableLength = 0;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(chunk?: string): void {
    if (chunk) this.chunks.push(chunk);
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const event = (n: number, audience: 'viewer' | 'admin' = 'viewer'): DomainEvent => ({
  id: `id-${n}`,
  cursor: String(n),
  type: 'meeting.ended',
  version: 1,
  guildId: '100000000000000001',
  occurredAt: '2026-01-01T00:00:00.000Z',
  audience,
  data: { n },
});

describe('EventStreamClient', () => {
  const T0 = 1_000_000;
  let sink: FakeSink;
  let closed: Array<EndReason | undefined>;
  const make = (audience: 'viewer' | 'admin' = 'admin', expiresInMs = 60_000) =>
    new EventStreamClient(
      '100000000000000001',
      sink,
      audience,
      new Date(T0 + expiresInMs),
      { heartbeatMs: 1_000, maxBufferedBytes: 100 },
      (_c, reason) => closed.push(reason),
    );

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    sink = new FakeSink();
    closed = [];
  });
  afterEach(() => jest.useRealTimers());

  it('writes the replay, then what arrived meanwhile minus duplicates, as id/event/data blocks', () => {
    const client = make();
    client.deliver(event(2));
    client.deliver(event(3));
    expect(sink.chunks).toEqual([]);
    client.start([event(1), event(2)]);
    const ids = [...sink.text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
    expect(ids).toEqual(['1', '2', '3']);
    expect(sink.text).toContain('event: meeting.ended\ndata: {"id":"id-1","type":"meeting.ended"');
    expect(sink.text).not.toContain('"cursor"');
  });

  it('never writes again an event the replay carried when the bus delivers it late (lagging replica tail)', () => {
    const client = make();
    client.start([event(4), event(5)], '3');
    client.deliver(event(2)); // before Last-Event-ID: the client had it
    client.deliver(event(5)); // replayed, then delivered live by a tail that lags the guild log
    client.deliver(event(6));
    client.deliver(event(6));
    const ids = [...sink.text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
    expect(ids).toEqual(['4', '5', '6']);
  });

  it('shows a viewer viewer events only', () => {
    const client = make('viewer');
    client.start([]);
    client.deliver(event(1, 'admin'));
    client.deliver(event(2, 'viewer'));
    expect([...sink.text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1])).toEqual(['2']);
  });

  it('sends a heartbeat comment every interval', () => {
    make().start([]);
    jest.advanceTimersByTime(3_000);
    expect(sink.chunks.filter((c) => c === ': heartbeat\n\n')).toHaveLength(3);
  });

  it('ends the stream with a reason when the token expires', () => {
    const client = make('admin', 5_000);
    client.start([]);
    jest.advanceTimersByTime(4_999);
    expect(sink.ended).toBe(false);
    jest.advanceTimersByTime(1);
    expect(sink.ended).toBe(true);
    expect(sink.text).toMatch(/event: end\ndata: \{"reason":"token_expired"\}\n\n$/);
    expect(closed).toEqual(['token_expired']);
    expect(client.open).toBe(false);
    jest.advanceTimersByTime(5_000);
    expect(sink.chunks.filter((c) => c.startsWith(': heartbeat'))).toHaveLength(4);
  });

  it('drops a client whose backlog passes the limit, then cuts it after a grace', () => {
    const client = make();
    client.start([]);
    client.deliver(event(1));
    sink.writableLength = 101;
    client.deliver(event(2));
    expect(closed).toEqual(['slow_consumer']);
    expect(sink.text).not.toContain('id: 2');
    expect(sink.text).toMatch(/"reason":"slow_consumer"/);
    client.deliver(event(3));
    expect(sink.text).not.toContain('id: 3');
    expect(sink.destroyed).toBe(false);
    jest.advanceTimersByTime(5_000);
    expect(sink.destroyed).toBe(true);
  });

  it('a client that leaves is released once and stops its timers', () => {
    const client = make();
    client.start([]);
    client.closedByPeer();
    client.closedByPeer();
    expect(closed).toEqual([undefined]);
    const before = sink.chunks.length;
    jest.advanceTimersByTime(10_000);
    expect(sink.chunks.length).toBe(before);
  });
});
