import { Logger } from '@nestjs/common';
import { UnavailableError } from '../../platform/errors';
import type { KalturaPort } from '../kaltura';
import { IdentityService } from './identity.service';
import { MemoryIdentityRepository } from './persistence/identity.memory.repository';

const USER = { id: '100000000000000001', displayName: 'Alice' };
/** Everything jest can fake except `Date`: a test that fakes only the clock keeps real timers and promises. */
const TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/** A Kaltura that only knows ensureUser (anything else fails the test) and can be told to be down. */
function fakeKaltura() {
  const calls: Array<{ id: string; displayName: string }> = [];
  let down = false;
  const port = new Proxy(
    {
      ensureUser: async (u: { id: string; displayName: string }) => {
        calls.push(u);
        if (down) throw new UnavailableError('KALTURA_UNAVAILABLE', 'down');
      },
    },
    {
      get(target, prop) {
        if (prop in target) return target[prop as keyof typeof target];
        if (prop === 'then') return undefined;
        throw new Error(`unexpected KalturaPort.${String(prop)}`);
      },
    },
  ) as unknown as KalturaPort;
  return { port, calls, setDown: (v: boolean) => (down = v) };
}

describe('IdentityService', () => {
  afterEach(() => jest.useRealTimers());
  beforeAll(() => Logger.overrideLogger(false));

  it('maps a Discord user to discord_<snowflake> and ensures the Kaltura user once, then remembers it', async () => {
    const kaltura = fakeKaltura();
    const service = new IdentityService(new MemoryIdentityRepository(), kaltura.port);
    const first = await service.ensureKalturaUser(USER);
    expect(first).toMatchObject({
      discordUserId: USER.id,
      kalturaUserId: `discord_${USER.id}`,
      displayName: 'Alice',
    });
    expect(first.kalturaUserEnsuredAt).not.toBeNull();
    await service.ensureKalturaUser({ ...USER, displayName: 'Alice B.' });
    expect(kaltura.calls).toEqual([{ id: `discord_${USER.id}`, displayName: 'Alice' }]);
    expect((await service.get(USER.id))?.displayName).toBe('Alice B.');
  });

  it('reports a Kaltura outage to the caller and tries again next time', async () => {
    const kaltura = fakeKaltura();
    const service = new IdentityService(new MemoryIdentityRepository(), kaltura.port);
    kaltura.setDown(true);
    await expect(service.ensureKalturaUser(USER)).rejects.toMatchObject({ code: 'KALTURA_UNAVAILABLE' });
    expect((await service.get(USER.id))?.kalturaUserEnsuredAt).toBeNull();
    kaltura.setDown(false);
    await service.ensureKalturaUser(USER);
    expect(kaltura.calls).toHaveLength(2);
  });

  it('does not let a Kaltura outage fail a sign-in (quiet variant), but still records the user', async () => {
    const kaltura = fakeKaltura();
    kaltura.setDown(true);
    const service = new IdentityService(new MemoryIdentityRepository(), kaltura.port);
    const identity = await service.ensureKalturaUserQuietly(USER);
    expect(identity).toMatchObject({ discordUserId: USER.id, kalturaUserEnsuredAt: null });
  });

  it('keeps first-seen and moves last-seen', async () => {
    const service = new IdentityService(new MemoryIdentityRepository(), fakeKaltura().port);
    // Only Date is faked (timers and promises run as usual): the clock moves a second between the visits.
    jest.useFakeTimers({ doNotFake: [...TIMERS], now: new Date('2026-01-01T00:00:00Z') });
    const first = await service.recordSeen(USER);
    jest.setSystemTime(new Date('2026-01-01T00:00:01Z'));
    const later = await service.recordSeen(USER);
    jest.useRealTimers();
    expect(later.firstSeenAt).toEqual(first.firstSeenAt);
    expect(later.lastSeenAt.getTime()).toBeGreaterThan(first.lastSeenAt.getTime());
  });
});
