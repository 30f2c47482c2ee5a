import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent } from './domain-event';
import { EVENT_BUS_LOCAL_PUBLISHED } from './event-bus';
import { InvalidCursorError } from './events.errors';
import { InProcessEventBus } from './in-process-event-bus';

const GUILD = '100000000000000001';
const OTHER = '100000000000000002';
const event = (guildId = GUILD, n = 1) => ({
  type: 'config.changed',
  version: 1,
  guildId,
  audience: 'admin' as const,
  data: { version: String(n), keys: ['k'] },
});

describe('InProcessEventBus', () => {
  let emitter: EventEmitter2;
  let bus: InProcessEventBus;
  beforeEach(() => {
    emitter = new EventEmitter2();
    bus = new InProcessEventBus(emitter, 3, () => 1_700_000_000_000);
  });

  it('stamps id, time and a growing cursor, and delivers to every listener as local', async () => {
    const seen: Array<[DomainEvent, boolean]> = [];
    bus.subscribe((e, d) => seen.push([e, d.local]));
    const a = await bus.publish(event());
    const b = await bus.publish(event());
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.occurredAt).toBe('2023-11-14T22:13:20.000Z');
    expect(Number(b.cursor)).toBeGreaterThan(Number(a.cursor));
    expect(seen).toEqual([
      [a, true],
      [b, true],
    ]);
  });

  it('emits EVENT_BUS_LOCAL_PUBLISHED with the stamped event', async () => {
    const local: DomainEvent[] = [];
    emitter.on(EVENT_BUS_LOCAL_PUBLISHED, (e: DomainEvent) => local.push(e));
    const a = await bus.publish(event());
    expect(local).toEqual([a]);
  });

  it('unsubscribes, and one throwing listener does not stop the others', async () => {
    const seen: string[] = [];
    const off = bus.subscribe(() => seen.push('first'));
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe(() => seen.push('third'));
    await bus.publish(event());
    off();
    await bus.publish(event());
    expect(seen).toEqual(['first', 'third', 'third']);
  });

  it('replays a guild strictly after the cursor, oldest first, bounded by limit and by the cap', async () => {
    const mine = [];
    for (let n = 1; n <= 5; n++) {
      mine.push(await bus.publish(event(GUILD, n)));
      await bus.publish(event(OTHER, n));
    }
    // Cap 3: the first two of GUILD are trimmed.
    expect(await bus.replay(GUILD, '0', 10)).toEqual(mine.slice(2));
    expect(await bus.replay(GUILD, mine[2].cursor!, 10)).toEqual(mine.slice(3));
    expect(await bus.replay(GUILD, mine[2].cursor!, 1)).toEqual([mine[3]]);
    expect(await bus.replay(GUILD, mine[4].cursor!, 10)).toEqual([]);
    expect((await bus.replay(OTHER, '0', 10)).every((e) => e.guildId === OTHER)).toBe(true);
  });

  it('rejects a cursor it could never have issued', async () => {
    await expect(bus.replay(GUILD, '1-0', 10)).rejects.toBeInstanceOf(InvalidCursorError);
    expect(bus.isCursor('abc')).toBe(false);
    expect(bus.isCursor('123')).toBe(true);
  });

  it('starts cursors after a restart above the previous run', async () => {
    const first = await new InProcessEventBus(emitter, 3, () => 1_000).publish(event());
    const later = await new InProcessEventBus(emitter, 3, () => 2_000).publish(event());
    expect(Number(later.cursor)).toBeGreaterThan(Number(first.cursor));
  });
});
