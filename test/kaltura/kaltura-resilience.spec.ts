import { eventually } from '../support/eventually';
import { Logger } from '@nestjs/common';
import { FakeKaltura } from '../fakes/kaltura';
import { RecordingMetrics, adapterFor, rejectionOf } from './support';

/** Faults injected into the fake: bounded retries, breaker transitions, INVALID_KS refresh, timeouts. */
describe('KalturaClientAdapter under faults', () => {
  const fake = new FakeKaltura();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.seedUser({ id: 'discord_1' });
  });

  describe('retries', () => {
    it('gives up after maxAttempts on persistent 5xx, as KALTURA_UNAVAILABLE', async () => {
      const metrics = new RecordingMetrics();
      const adapter = adapterFor(fake, { maxAttempts: 3, metrics });
      fake.failNextRequests(100, 503);
      const error = await rejectionOf(adapter.ensureUser({ id: 'discord_1', displayName: 'A' }));
      expect(error).toMatchObject({
        code: 'KALTURA_UNAVAILABLE',
        status: 503,
        details: { reason: 'http_status' },
      });
      expect(fake.requests).toHaveLength(3);
      expect(metrics.seen.map((s) => [s.service, s.action, s.outcome])).toEqual(
        Array(3).fill(['user', 'add', 'http_error']),
      );
    });

    it('recovers when the fault clears within the attempts', async () => {
      const adapter = adapterFor(fake, { maxAttempts: 3 });
      fake.failNextRequests(2, 502);
      await adapter.ensureUser({ id: 'discord_1', displayName: 'A' });
      expect(fake.requests.map((r) => r.fault ?? 'ok')).toEqual(['http-error', 'http-error', 'ok']);
    });

    it('retries a connection reset on idempotent calls', async () => {
      const adapter = adapterFor(fake);
      const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
      fake.clearRecords();
      fake.resetNextConnections(1);
      expect(await adapter.getRoom(room)).toMatchObject({ status: 'active' });
      expect(fake.requests.map((r) => r.fault ?? 'ok')).toEqual(['reset', 'ok']);
    });

    it('does not repeat createRoom after a reset or a 500 (Kaltura may have acted), and fails cleanly', async () => {
      const adapter = adapterFor(fake);
      fake.resetNextConnections(1);
      // reason "network", not "timeout": the multirequest failure reaches the caller instead of hanging.
      expect(
        await rejectionOf(
          adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' }),
        ),
      ).toMatchObject({
        code: 'KALTURA_UNAVAILABLE',
        details: { reason: 'network' },
      });
      expect(fake.requests).toHaveLength(1);
      fake.failNextRequests(1, 500);
      await rejectionOf(adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' }));
      expect(fake.requests).toHaveLength(2);
      expect(fake.resources()).toHaveLength(0);
    });

    it('repeats createRoom after a 503 (not processed) and creates exactly one room', async () => {
      const adapter = adapterFor(fake);
      fake.failNextRequests(1, 503);
      await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
      expect(fake.requests).toHaveLength(2);
      expect(fake.resources()).toHaveLength(1);
    });

    it('never retries a Kaltura API exception (HTTP 200)', async () => {
      const adapter = adapterFor(fake);
      expect(await adapter.getRoom({ resourceId: 999 })).toBeNull();
      const error = await rejectionOf(
        adapterFor(fake, { eventDurationHours: -1 }).createRoom({
          guildId: '1001',
          meetingId: 'm',
          title: 'T',
          type: 'meeting',
        }),
      );
      expect(error.code).toBe('KALTURA_REJECTED');
      expect(fake.requests.filter((r) => r.target === 'multirequest')).toHaveLength(
        2 /* getRoom + createRoom */,
      );
    });

    it('fails over a refused connection (server down) and works again once it is up', async () => {
      const adapter = adapterFor(fake, { maxAttempts: 2 });
      await fake.goDown();
      try {
        expect(await rejectionOf(adapter.ensureUser({ id: 'discord_1', displayName: 'A' }))).toMatchObject({
          code: 'KALTURA_UNAVAILABLE',
          details: { reason: 'network' },
        });
      } finally {
        await fake.goUp();
      }
      await expect(adapter.ensureUser({ id: 'discord_1', displayName: 'A' })).resolves.toBeUndefined();
    });
  });

  describe('timeouts', () => {
    it('a call never hangs past its timeout bound (attempts × timeout + backoff)', async () => {
      const adapter = adapterFor(fake, {
        timeoutMs: 200,
        maxAttempts: 2,
        initialBackoffMs: 10,
        maxBackoffMs: 10,
      });
      fake.setLatency(10_000);
      const started = Date.now();
      const error = await rejectionOf(adapter.getRoom({ resourceId: 1 }));
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ code: 'KALTURA_UNAVAILABLE', details: { reason: 'timeout' } });
      expect(fake.requests).toHaveLength(2);
      expect(elapsed).toBeGreaterThanOrEqual(2 * 200 - 20);
      expect(elapsed).toBeLessThan(3_000);
    });

    it('does not time out a slow but timely answer', async () => {
      const adapter = adapterFor(fake, { timeoutMs: 2_000 });
      fake.setLatency(100);
      await expect(adapter.ensureUser({ id: 'discord_1', displayName: 'A' })).resolves.toBeUndefined();
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe('circuit breaker', () => {
    const options = { maxAttempts: 1, breakerThreshold: 3, halfOpenAfterMs: 300 };

    it('opens after consecutive failures, fails fast, half-opens after the cool-down and closes on success', async () => {
      const metrics = new RecordingMetrics();
      const adapter = adapterFor(fake, { ...options, metrics });
      fake.failNextRequests(100);
      for (let i = 0; i < 3; i++)
        await rejectionOf(adapter.ensureUser({ id: 'discord_1', displayName: 'A' }));
      expect(adapter.circuitState()).toBe('open');

      const error = await rejectionOf(adapter.ensureUser({ id: 'discord_1', displayName: 'A' }));
      expect(error).toMatchObject({ code: 'KALTURA_UNAVAILABLE', details: { reason: 'circuit_open' } });
      expect(fake.requests).toHaveLength(3);

      fake.clearFaults();
      await eventually(() => adapter.circuitState() === 'half-open', 5_000, 'the breaker to half-open');
      await adapter.ensureUser({ id: 'discord_1', displayName: 'A' });
      expect(adapter.circuitState()).toBe('closed');
      expect(fake.requests).toHaveLength(4);
      expect(metrics.outcomes()).toEqual([
        'http_error',
        'http_error',
        'http_error',
        'circuit_open',
        'success',
      ]);
    });

    it('re-opens when the half-open trial fails', async () => {
      const adapter = adapterFor(fake, options);
      fake.failNextRequests(100);
      for (let i = 0; i < 3; i++)
        await rejectionOf(adapter.ensureUser({ id: 'discord_1', displayName: 'A' }));
      await eventually(() => adapter.circuitState() === 'half-open', 5_000, 'the breaker to half-open');
      await rejectionOf(adapter.ensureUser({ id: 'discord_1', displayName: 'A' }));
      expect(adapter.circuitState()).toBe('open');
      expect(fake.requests).toHaveLength(4);
    });

    it('is not opened by simultaneous connection resets among successes, but by an outage that outweighs them', async () => {
      const adapter = adapterFor(fake, options);
      for (let i = 0; i < 20; i++) expect(await adapter.getRoom({ resourceId: 999 })).toBeNull();

      // Eight calls in flight lose their connections at once: eight failures in a row, a blip among 28 attempts.
      fake.resetNextConnections(8);
      const burst = await Promise.all(
        Array.from({ length: 8 }, (_, i) => rejectionOf(adapter.getRoom({ resourceId: 1_000 + i }))),
      );
      expect(burst.map((e) => (e as { details?: { reason?: string } }).details?.reason)).toEqual(
        Array(8).fill('network'),
      );
      expect(adapter.circuitState()).toBe('closed');
      expect(await adapter.getRoom({ resourceId: 999 })).toBeNull();

      // An outage: the breaker opens once failures are the majority of the window (21 successes so far).
      fake.failNextRequests(100);
      for (let i = 0; i < 13; i++) await rejectionOf(adapter.getRoom({ resourceId: 999 }));
      expect(adapter.circuitState()).toBe('closed');
      await rejectionOf(adapter.getRoom({ resourceId: 999 }));
      expect(adapter.circuitState()).toBe('open');
    });

    it('is not tripped by Kaltura API exceptions', async () => {
      const adapter = adapterFor(fake, options);
      for (let i = 0; i < 5; i++) expect(await adapter.getRoom({ resourceId: 999 })).toBeNull();
      expect(adapter.circuitState()).toBe('closed');
    });
  });

  describe('INVALID_KS', () => {
    it('re-issues the admin KS and retries a plain call once', async () => {
      const adapter = adapterFor(fake);
      fake.rejectNextKs();
      await adapter.ensureUser({ id: 'discord_ks', displayName: 'A' });
      expect(fake.calls.map((c) => [c.action, c.error])).toEqual([
        ['add', 'INVALID_KS'],
        ['add', undefined],
      ]);
    });

    it('re-issues the admin KS and repeats a multirequest once (one room created)', async () => {
      const adapter = adapterFor(fake);
      fake.rejectNextKs();
      const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
      expect(fake.requests.map((r) => r.target)).toEqual(['multirequest', 'multirequest']);
      expect(fake.calls.slice(0, 3).map((c) => c.error)).toEqual(['INVALID_KS', 'INVALID_KS', 'INVALID_KS']);
      expect(fake.resources().map((r) => r.id)).toEqual([room.resourceId]);
    });

    it('reports KALTURA_REJECTED (INVALID_KS) when the secret is wrong, after exactly one retry', async () => {
      const adapter = adapterFor(fake);
      const wrong = new (adapter.constructor as any)(
        {
          partnerId: fake.partnerId,
          adminSecret: 'not-the-secret',
          serviceUrl: fake.url,
          kafUrl: 'https://k',
          joinLinkTtl: 60,
        },
        { initialBackoffMs: 5 },
      );
      const error = await rejectionOf(wrong.ensureUser({ id: 'discord_1', displayName: 'A' }));
      expect(error).toMatchObject({ code: 'KALTURA_REJECTED', details: { kalturaCode: 'INVALID_KS' } });
      expect(error.message).not.toContain('djJ8');
      expect(fake.requests).toHaveLength(2);
    });
  });
});
