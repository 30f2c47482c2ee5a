import { HealthRegistry } from './health.registry';

describe('HealthRegistry draining', () => {
  it('runs drain listeners once, when shutdown begins, however often it is marked', () => {
    const registry = new HealthRegistry();
    const calls: string[] = [];
    registry.onDraining(() => calls.push('ws'));
    registry.onDraining(() => calls.push('other'));
    expect(calls).toEqual([]);
    registry.markDraining(); // gracefulShutdown
    registry.markDraining(); // beforeApplicationShutdown, later in the same stop
    expect(registry.isDraining).toBe(true);
    expect(calls).toEqual(['ws', 'other']);
  });
});
