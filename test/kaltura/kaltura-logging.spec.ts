import { eventually } from '../support/eventually';
import { FakeKaltura } from '../fakes/kaltura';
import { adapterFor, captureLogs, rejectionOf } from './support';

/**
 * Drives every flow, failures included, with all log levels captured (Nest Logger, console, raw stdout and
 * stderr) and checks that no secret, KS or privilege payload reaches a log line.
 */
describe('Kaltura logging hygiene', () => {
  const fake = new FakeKaltura({ adminSecret: 'SUPER-SECRET-admin-value-7f3a' });
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('never logs the admin secret, a KS or request bodies', async () => {
    const adapter = adapterFor(fake, { maxAttempts: 2, breakerThreshold: 3, halfOpenAfterMs: 50 });
    const room = await adapter.createRoom({
      guildId: '1001',
      meetingId: 'm-secret-check',
      title: 'Private title',
      type: 'webinar',
    });
    await adapter.ensureUser({ id: 'discord_42', displayName: 'Someone Private' });
    const url = await adapter.joinUrl({
      room,
      user: { id: 'discord_42', firstName: 'Someone' },
      role: 'viewer',
    });
    fake.rejectNextKs(); // the fake's INVALID_KS message quotes the KS, as the real server does
    await adapter.getRoom(room);
    fake.resetNextConnections(1);
    await adapter.getRoom(room);
    fake.failNextRequests(10);
    for (let i = 0; i < 4; i++) await rejectionOf(adapter.getRoom(room));
    fake.clearFaults();
    await eventually(() => adapter.circuitState() === 'half-open', 5_000, 'the breaker to half-open');
    await adapter.endRoom(room);
    await rejectionOf(
      new (adapter.constructor as any)(
        {
          partnerId: fake.partnerId,
          adminSecret: 'SUPER-SECRET-wrong-value',
          serviceUrl: fake.url,
          kafUrl: 'https://k',
          joinLinkTtl: 60,
        },
        { initialBackoffMs: 5 },
      ).ensureUser({ id: 'discord_1', displayName: 'x' }),
    );

    const text = logs.text();
    // The capture works and saw the interesting events (otherwise this test could not fail).
    expect(text).toContain('INVALID_KS');
    expect(text).toContain('attempt failed');
    expect(text).toContain('circuit opened');
    expect(text).toContain('POST service/multirequest');
    // …and none of the sensitive material.
    expect(text).not.toContain('SUPER-SECRET');
    expect(text).not.toContain('djJ8');
    expect(text).not.toContain(new URL(url).searchParams.get('ks')!.slice(0, 24));
    expect(text).not.toContain('JSON:');
    expect(text).not.toContain('Private title');
    expect(text).not.toContain('Someone Private');
  });
});
