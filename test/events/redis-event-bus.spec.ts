import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { RedisConnections } from '../../src/platform/cache';
import {
  DomainEvent,
  EVENT_BUS_LOCAL_PUBLISHED,
  RedisEventBus,
  guildStream,
} from '../../src/platform/events';
import type { Settings } from '../../src/platform/settings';
import { eventually } from '../support/eventually';
import { describeWithRedis, redisUrlForDb, requireEmptyRedisDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';

const REDIS_DB = REDIS_DBS.eventBus;
const G = '100000000000000001';
const settingsFor = (url: string) => ({ redis: { url } }) as unknown as Settings;
const event = (n: number, guildId = G) => ({
  type: 'config.changed',
  version: 1,
  guildId,
  audience: 'admin' as const,
  data: { version: String(n), keys: [] },
});

describeWithRedis('RedisEventBus (streams)', () => {
  const opened: Array<{ bus: RedisEventBus; redis: RedisConnections }> = [];
  const open = (cap = 1_000, url = redisUrlForDb(REDIS_DB)) => {
    const redis = new RedisConnections(settingsFor(url));
    const emitter = new EventEmitter2();
    const bus = new RedisEventBus(redis, emitter, cap);
    bus.onModuleInit();
    opened.push({ bus, redis });
    return { bus, redis, emitter };
  };
  beforeAll(async () => {
    await requireEmptyRedisDb(REDIS_DB);
    Logger.overrideLogger(false);
  });
  afterAll(async () => {
    for (const { bus, redis } of opened) {
      bus.onModuleDestroy();
      await redis.onApplicationShutdown();
    }
  });

  it('delivers once to each replica, local only on the publisher, and emits LOCAL_PUBLISHED there only', async () => {
    const one = open();
    const two = open();
    await Promise.all([one.bus.whenReady(), two.bus.whenReady()]);
    const got: Array<[string, boolean]> = [];
    one.bus.subscribe((e, d) => got.push(['one', d.local]));
    two.bus.subscribe((e, d) => got.push(['two', d.local]));
    const originOnly: DomainEvent[] = [];
    one.emitter.on(EVENT_BUS_LOCAL_PUBLISHED, (e: DomainEvent) => originOnly.push(e));
    two.emitter.on(EVENT_BUS_LOCAL_PUBLISHED, (e: DomainEvent) => originOnly.push(e));
    const stamped = await one.bus.publish(event(1));
    await eventually(() => got.length === 2, 5_000, 'both replicas');
    expect(got.sort()).toEqual([
      ['one', true],
      ['two', false],
    ]);
    expect(originOnly).toEqual([stamped]);
    expect(stamped.cursor).toMatch(/^\d+-\d+$/);
  });

  it('replays strictly after a cursor, bounded by limit, and keeps about `cap` entries per guild', async () => {
    const { bus, redis } = open(10);
    const all = [];
    for (let n = 0; n < 300; n++) all.push(await bus.publish(event(n, '100000000000000002')));
    const replayed = await bus.replay('100000000000000002', all[294].cursor!, 100);
    expect(replayed.map((e) => e.id)).toEqual(all.slice(295).map((e) => e.id));
    expect(replayed[0]).toEqual(all[295]);
    expect(await bus.replay('100000000000000002', all[294].cursor!, 2)).toHaveLength(2);
    // MAXLEN ~ trims whole nodes: bounded near the cap, never the 300 written.
    expect(await redis.client.xlen(guildStream('100000000000000002'))).toBeLessThan(150);
  });

  it('publishing without Redis resolves (the change is stored) and still reaches local listeners', async () => {
    const { bus } = open(10, 'redis://127.0.0.1:1/0');
    const got: DomainEvent[] = [];
    bus.subscribe((e) => got.push(e));
    const stamped = await bus.publish(event(1));
    expect(stamped.id).toBeDefined();
    expect(stamped.cursor).toBeUndefined();
    expect(got).toEqual([stamped]);
  }, 20_000);
});
