import { Logger } from '@nestjs/common';
import { KsType, mintKs } from '../../src/modules/kaltura';
import { FakeKaltura } from '../fakes/kaltura';
import { RecordingMetrics, adapterFor, rejectionOf } from './support';

/** Kaltura's rate limiter (`ACTION_BLOCKED`, HTTP 200): retried within the call's deadline, never an outage. */
describe('KalturaClientAdapter under ACTION_BLOCKED', () => {
  const fake = new FakeKaltura();
  const fast = { blockedBackoffMs: 5, blockedDeadlineMs: 2_000 };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('the fake answers with the real exception shape, HTTP 200', async () => {
    fake.blockActions(1);
    const ks = mintKs({
      partnerId: fake.partnerId,
      secret: fake.adminSecret,
      type: KsType.ADMIN,
      expiresIn: 60,
      privileges: {},
    });
    const res = await fetch(`${fake.url}/api_v3/service/user/action/get`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ format: 1, userId: 'x', ks }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      code: 'ACTION_BLOCKED',
      message: 'Action "get" in service "user" is blocked',
      objectType: 'KalturaAPIException',
      args: { ACTION_NAME: 'get', SERVICE_NAME: 'user' },
    });
  });

  it('retries a plain call with backoff and succeeds once the limiter lets it through; counted apart', async () => {
    const metrics = new RecordingMetrics();
    const adapter = adapterFor(fake, { ...fast, metrics, maxAttempts: 1 });
    fake.blockActions(2);
    await expect(adapter.ensureUser({ id: 'discord_1', displayName: 'A' })).resolves.toBeUndefined();
    expect(fake.calls.map((c) => [c.service, c.action, c.error])).toEqual([
      ['user', 'add', 'ACTION_BLOCKED'],
      ['user', 'add', 'ACTION_BLOCKED'],
      ['user', 'add', undefined],
    ]);
    expect(metrics.outcomes()).toEqual(['rate_limited', 'rate_limited', 'success']);
    expect(fake.user('discord_1')).toBeDefined();
  });

  it('does not open the breaker, and gives up at the deadline as KALTURA_UNAVAILABLE (rate_limited)', async () => {
    const adapter = adapterFor(fake, { blockedBackoffMs: 5, blockedDeadlineMs: 200, breakerThreshold: 1 });
    fake.blockActions(Infinity);
    const error = await rejectionOf(adapter.ensureUser({ id: 'discord_1', displayName: 'A' }));
    expect(error).toMatchObject({
      code: 'KALTURA_UNAVAILABLE',
      status: 503,
      details: { reason: 'rate_limited' },
    });
    expect(fake.calls.length).toBeGreaterThan(1);
    expect(fake.calls.every((c) => c.error === 'ACTION_BLOCKED')).toBe(true);
    expect(adapter.circuitState()).toBe('closed');

    fake.clearFaults();
    await expect(adapter.ensureUser({ id: 'discord_1', displayName: 'A' })).resolves.toBeUndefined();
  });

  it('createRoom: a refused slot undoes the half-created room, then tries again: one live room', async () => {
    const adapter = adapterFor(fake, fast);
    fake.blockActions(1, 'schedule_scheduleresource.add');
    const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
    expect(fake.resources().map((r) => r.id)).toEqual([room.resourceId]);
    // The first attempt's event was cancelled; the second attempt's is the room's.
    expect(fake.events().map((e) => [e.id === room.eventId, e.status])).toEqual([
      [false, 1],
      [true, 2],
    ]);
  });

  it('repeats a read multirequest whatever its other slots did', async () => {
    const adapter = adapterFor(fake, fast);
    const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
    fake.clearRecords();
    fake.blockActions(1);
    expect(await adapter.getRoom(room)).toMatchObject({ status: 'active' });
    expect(fake.calls[0].error).toBe('ACTION_BLOCKED');
  });
});
