import { EventEmitter2 } from '@nestjs/event-emitter';
import type { RedisConnections } from '../../platform/cache';
import { EVENT_BUS_RESYNC, InProcessEventBus } from '../../platform/events';
import { ConfigInvalidationBus } from './config-invalidation.bus';

const G = '100000000000000001';

describe('ConfigInvalidationBus (on the cluster event bus)', () => {
  it("hands other replicas' config.changed to the handler, ignores its own, and everything on a resync", async () => {
    const emitter = new EventEmitter2();
    const bus = new InProcessEventBus(emitter);
    const invalidation = new ConfigInvalidationBus(emitter, bus, { enabled: true } as RedisConnections);
    const got: unknown[] = [];
    await invalidation.start((m) => got.push(m));

    await invalidation.publish({ guildId: G, version: '2', keys: ['commands.enabled'] });
    expect(got).toEqual([]); // this replica wrote it

    // As another replica's event arrives (delivery.local false).
    const remote = { ...(await bus.replay(G, '0', 1))[0] };
    (bus as unknown as { listeners: { deliver(e: unknown, d: unknown): void } }).listeners.deliver(remote, {
      local: false,
    });
    expect(got).toEqual([{ guildId: G, version: '2', keys: ['commands.enabled'] }]);

    emitter.emit(EVENT_BUS_RESYNC);
    expect(got[1]).toEqual({ guildId: '*' });

    invalidation.onModuleDestroy();
    emitter.emit(EVENT_BUS_RESYNC);
    expect(got).toHaveLength(2);
  });
});
