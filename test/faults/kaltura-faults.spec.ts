import request from 'supertest';
import { MeetingsService } from '../../src/modules/meetings';
import type { InteractionResponses } from '../fakes/discord';
import { originalContent, world, type FullApp } from '../support/full-app';
import type { FakeKaltura } from '../fakes/kaltura';
import { bootFaultApp, eventually } from './support';

jest.setTimeout(60_000);

/**
 * Kaltura misbehaving under the whole app (real discord.js against the fake Discord, real kaltura-client against
 * the fake Kaltura, resilience clocks shortened: see FAST_KALTURA). For every fault: what the member sees (an
 * acknowledgement and a bounded ephemeral error), that no meeting is stored half-way or twice, and that the
 * service recovers by itself once Kaltura does.
 */
const UNREACHABLE = 'Kaltura is not reachable right now; try again in a minute.';
const at = { guildId: world.guildId, channelId: world.channelId };

describe('faults: Kaltura slow, down, flapping, INVALID_KS storms', () => {
  let t: FullApp & { kaltura: FakeKaltura };
  const http = () => request(t.app.getHttpServer());
  const active = async () => (await t.app.get(MeetingsService).listActive(world.guildId)).map((m) => m.title);
  const liveRooms = () => t.kaltura.resources().filter((r) => r.status !== 3);
  const publicMessages = (title: string) =>
    t.discord.channelMessages(world.channelId).filter((m) => m.message.embeds[0]?.title === title);

  beforeAll(async () => {
    t = await bootFaultApp();
  });
  afterAll(() => t?.close());
  afterEach(() => t.kaltura.clearFaults());

  /**
   * `/kaltura-start` as the host; resolves once the command finished (error reply, or link + public message: the
   * card is a channel message, so a start counts as finished once its card is in the channel).
   */
  async function start(title: string): Promise<{ done: InteractionResponses; ackMs: number }> {
    const handle = t.discord.sendSlashCommand({
      ...at,
      userId: world.host,
      name: 'kaltura-start',
      options: { type: 'meeting', title },
    });
    const ack = await handle.waitForCallback();
    const done = await handle.waitFor(
      (r) =>
        r.edits.length > 0 &&
        (publicMessages(title).length > 0 ||
          originalContent(r) === UNREACHABLE ||
          /Kaltura refused/.test(originalContent(r))),
      15_000,
      'the end of /kaltura-start',
    );
    return { done, ackMs: ack.elapsedMs };
  }

  /** A failed start: acknowledged within 3 s, an ephemeral error within `withinMs`, nothing public, nothing stored. */
  async function expectFailedStart(title: string, content: string | RegExp, withinMs = 3_000) {
    const { done, ackMs } = await start(title);
    expect(ackMs).toBeLessThan(3_000);
    expect(done.edits[0].elapsedMs).toBeLessThan(withinMs);
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toMatch(content);
    expect(done.followups).toEqual([]);
    expect(publicMessages(title)).toEqual([]);
    expect(await active()).not.toContain(title);
    return done;
  }

  /** A successful start: one stored meeting, one public message, one live room more than before. */
  async function expectStarted(title: string) {
    const rooms = liveRooms().length;
    const { done, ackMs } = await start(title);
    expect(ackMs).toBeLessThan(3_000);
    expect(done.followups).toEqual([]);
    expect(originalContent(done)).toContain('Your meeting is live');
    expect((await active()).filter((x) => x === title)).toHaveLength(1);
    expect(publicMessages(title)).toHaveLength(1);
    expect(liveRooms()).toHaveLength(rooms + 1);
  }

  it('Kaltura slower than the adapter timeout: an ephemeral error in time, then normal service again', async () => {
    t.kaltura.setLatency(4_000);
    const done = await expectFailedStart('Slow kaltura', UNREACHABLE, 3_000);
    expect(done.edits[0].elapsedMs).toBeGreaterThanOrEqual(1_000); // it did wait for the 1.2 s timeout
    t.kaltura.setLatency(0);
    // The late answer must not turn into a meeting afterwards either: wait until the fake has let go of the
    // slow requests (no late answer can arrive after that), and until a later start went through the same path.
    await eventually(() => t.kaltura.inFlight === 0, 10_000, 'the slow Kaltura requests to finish');
    await expectStarted('After the slowness');
    expect(await active()).not.toContain('Slow kaltura');
    await http().get('/health/ready').expect(200);
  });

  it('Kaltura down: bounded errors, the pod stays ready (Kaltura reported down), recovery without a restart', async () => {
    await t.kaltura.goDown();
    try {
      await expectFailedStart('Down 1', UNREACHABLE);
      await expectFailedStart('Down 2', UNREACHABLE);
      // The breaker is open now: further attempts fail at once, without touching Kaltura.
      // Kaltura's outage is every pod's: readiness stays 200 (webhooks and the rest of the API still work), the
      // outage shows in details and kd_dependency_up, and the routes that need Kaltura answer 503.
      const ready = await http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.kaltura).toMatchObject({ status: 'down', required: false, circuit: 'open' });
      expect((await http().get('/metrics')).text).toMatch(/kd_dependency_up\{dependency="kaltura"\} 0/);
      const fast = await expectFailedStart('Down 3', UNREACHABLE, 1_000);
      expect(fast.edits[0].elapsedMs).toBeLessThan(1_000);
    } finally {
      await t.kaltura.goUp();
    }
    // Half-open after the cool-down: readiness comes back by itself, and the first start closes the circuit.
    await eventually(
      async () => (await http().get('/health/ready')).body.details.kaltura.status === 'up',
      5_000,
      'Kaltura reported up again',
    );
    await expectStarted('After the outage');
    expect((await http().get('/health/ready')).body.details.kaltura).toMatchObject({ circuit: 'closed' });
  });

  it('Kaltura flapping: every start either succeeds once or fails cleanly; rooms match meetings', async () => {
    const roomsBefore = liveRooms().length;
    const meetingsBefore = (await active()).length;
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      // Alternate: a 503 that a retry absorbs, a reset (not retried: Kaltura might have acted), a clean call.
      if (i % 3 === 0) t.kaltura.failNextRequests(1, 503);
      if (i % 3 === 1) t.kaltura.resetNextConnections(1);
      const title = `Flap ${i}`;
      const { done, ackMs } = await start(title);
      expect(ackMs).toBeLessThan(3_000);
      expect(done.edits[0].elapsedMs).toBeLessThan(3_000);
      const stored = (await active()).filter((x) => x === title).length;
      const posted = publicMessages(title).length;
      if (posted > 0) {
        outcomes.push('ok');
        expect([stored, posted]).toEqual([1, 1]);
      } else {
        outcomes.push('error');
        expect(originalContent(done)).toBe(UNREACHABLE);
        expect([stored, posted]).toEqual([0, 0]);
      }
      t.kaltura.clearFaults();
    }
    expect(outcomes).toEqual(['ok', 'error', 'ok', 'ok', 'error', 'ok']);
    // Nothing orphaned, nothing doubled: one live room per stored meeting.
    expect(liveRooms().length - roomsBefore).toBe((await active()).length - meetingsBefore);
    await http().get('/health/ready').expect(200);
  });

  it('INVALID_KS storm: each rejected admin KS is re-minted and the call repeated; users never notice', async () => {
    for (let i = 0; i < 5; i += 1) {
      t.kaltura.rejectNextKs();
      await expectStarted(`KS storm ${i}`);
    }
    const rejected = t.kaltura.calls.filter((c) => c.error === 'INVALID_KS');
    expect(rejected.length).toBeGreaterThanOrEqual(5);
  });

  it('a persistent INVALID_KS (secret rotated): a clear ephemeral error, nothing stored, recovery when fixed', async () => {
    // rejectNextKs() arms one request only; a rotated secret refuses every KS, the one repeat included. So the
    // fake's switch is held down for the duration (its private check, replaced on this instance only).
    const armed = t.kaltura as unknown as { takeInvalidKs: (s: string, a: string, ks: unknown) => boolean };
    const original = armed.takeInvalidKs;
    armed.takeInvalidKs = (service, action, ks) =>
      typeof ks === 'string' && `${service}.${action}` !== 'session.start';
    try {
      await expectFailedStart('Rotated secret', /^Kaltura refused the request \(INVALID_KS\)\./);
      // An API answer is not a transport failure: the breaker stays closed and the replica stays ready.
      await http().get('/health/ready').expect(200);
    } finally {
      armed.takeInvalidKs = original;
      t.kaltura.clearFaults();
    }
    await expectStarted('Secret fixed');
  });
});
