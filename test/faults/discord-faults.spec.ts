import request from 'supertest';
import { MeetingsService } from '../../src/modules/meetings';
import { meetingCardBody, originalContent, settled, world, type FullApp } from '../support/full-app';
import type { FakeKaltura } from '../fakes/kaltura';
import { bootFaultApp, eventually } from './support';

jest.setTimeout(60_000);

/**
 * Discord misbehaving under the whole app: 429 storms and 5xx on the REST side, dropped sockets and invalidated
 * sessions on the gateway. Members still get their answers, each public message is posted once, and the bot
 * keeps answering afterwards without a restart.
 */
const at = { guildId: world.guildId, channelId: world.channelId };
const FOLLOWUP = /^\/webhooks\/\d+\/[^/]+$/;
/** The meeting card: a channel message with the meeting's nonce (the meeting_start notification goes there too). */
const CARD = {
  method: 'POST',
  path: new RegExp(`^/channels/${world.channelId}/messages$`),
  body: meetingCardBody(),
};
const ORIGINAL = /^\/webhooks\/\d+\/[^/]+\/messages\/(@original|%40original)$/;

describe('faults: Discord 429 storms, 5xx, gateway drops and invalid sessions', () => {
  let t: FullApp & { kaltura: FakeKaltura };
  const active = async () => (await t.app.get(MeetingsService).listActive(world.guildId)).map((m) => m.title);
  const publicMessages = (title: string) =>
    t.discord.channelMessages(world.channelId).filter((m) => m.message.embeds[0]?.title === title);
  const start = (title: string, userId = world.host) =>
    t.discord.sendSlashCommand({ ...at, userId, name: 'kaltura-start', options: { type: 'meeting', title } });
  const finished = (title: string) =>
    start(title).waitFor(
      (r) => r.edits.length > 0 && publicMessages(title).length > 0,
      20_000,
      `the start of ${title}`,
    );

  beforeAll(async () => {
    t = await bootFaultApp();
  });
  afterAll(() => t?.close());
  afterEach(() => t.discord.clearFaults());

  it('a 429 storm on meeting cards and edits: every member is answered, every meeting message posted once', async () => {
    t.discord.rateLimitNext({ ...CARD, retryAfter: 0.25, times: 6 });
    t.discord.rateLimitNext({ method: 'PATCH', path: ORIGINAL, retryAfter: 0.25, times: 6 });
    const titles = Array.from({ length: 6 }, (_, i) => `Storm ${i}`);
    const handles = titles.map((title) => start(title));
    const acks = await Promise.all(handles.map((h) => h.waitForCallback(5_000)));
    expect(acks.every((a) => a.elapsedMs < 3_000)).toBe(true);
    const done = await Promise.all(
      handles.map((h, i) =>
        h.waitFor((r) => r.edits.length > 0 && publicMessages(titles[i]).length > 0, 30_000, 'answers'),
      ),
    );
    expect(done.map((d) => originalContent(d))).toEqual(
      titles.map(() => expect.stringContaining('Your meeting is live')),
    );
    for (const title of titles) {
      expect(publicMessages(title)).toHaveLength(1);
      expect((await active()).filter((x) => x === title)).toHaveLength(1);
    }
    const limited = t.discord.findCalls((c) => c.fault === 'rateLimit');
    expect(limited.length).toBe(12);
  });

  it('transient 5xx from Discord: retried, the message posted exactly once', async () => {
    t.discord.failNext({ ...CARD, status: 502, times: 2 });
    const done = await finished('Through 502s');
    expect(done.followups).toEqual([]);
    expect(publicMessages('Through 502s')).toHaveLength(1);
    expect(t.discord.findCalls((c) => c.fault === 'status' && c.status === 502)).toHaveLength(2);
  });

  it('Discord keeps failing with 500: the host still gets the link in time, nothing doubled, the bot recovers', async () => {
    t.discord.failNext({ ...CARD, status: 500, times: 100 });
    t.discord.failNext({ method: 'POST', path: FOLLOWUP, status: 500, times: 100 });
    const handle = start('Discord broken');
    const ack = await handle.waitForCallback();
    expect(ack.elapsedMs).toBeLessThan(3_000);
    // The public meeting message cannot be posted, and neither can the ephemeral apology for it (a followup).
    await eventually(
      () => t.logs.records().some((r) => r.msg === 'Could not tell the user about a failed interaction'),
      10_000,
      'the handler to give up',
    );
    const done = handle.responses();
    // What the host sees: the personal link (an edit of the deferred reply, which still works), in time.
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain('Your meeting is live');
    expect(done.edits[0].elapsedMs).toBeLessThan(3_000);
    expect(publicMessages('Discord broken')).toEqual([]);
    expect((await active()).filter((x) => x === 'Discord broken')).toHaveLength(1);
    // Bounded: discord.js retried the card and each followup a few times (3 retries each), it did not loop.
    const failed = t.discord.findCalls((c) => c.fault === 'status' && c.status === 500);
    expect(failed.filter((c) => CARD.body(c.body)).length).toBeLessThanOrEqual(4);
    expect(failed.filter((c) => FOLLOWUP.test(c.path)).length).toBeLessThanOrEqual(12);
    t.discord.clearFaults();
    const help = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-help' }),
    );
    expect(help.original?.message.embeds[0]?.title).toBe('Kaltura meetings: commands');
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
  });

  it('repeated gateway drops: the session resumes each time and interactions sent meanwhile are answered once', async () => {
    const sessionId = t.discord.sessions()[0].id;
    for (let i = 1; i <= 3; i += 1) {
      const resumes = t.discord.sessions()[0].resumes;
      expect(t.discord.dropConnection({ abrupt: i % 2 === 1, code: 4000 })).toBe(1);
      // Sent while the socket is down: Discord replays it on RESUME.
      const handle = t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' });
      await eventually(
        () => t.discord.sessions()[0]?.resumes === resumes + 1 && t.discord.sessions()[0]?.connected,
        15_000,
        `resume ${i}`,
      );
      const done = await settled(handle, 1, 10_000);
      expect(done.original?.message.embeds[0]?.title).toMatch(/running/);
      expect(t.discord.findCalls((c) => c.path.startsWith(`/interactions/${handle.id}/`))).toHaveLength(1);
    }
    expect(t.discord.sessions()[0].id).toBe(sessionId);
  });

  it('INVALID_SESSION, resumable then not: the bot resumes, then identifies anew, and keeps answering', async () => {
    const first = t.discord.sessions()[0];
    expect(t.discord.invalidateSession({ resumable: true })).toBe(1);
    await eventually(
      () => t.discord.sessions()[0]?.connected && t.discord.sessions()[0].resumes > first.resumes,
      15_000,
      'resumed',
    );
    const a = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-help' }),
    );
    expect(a.original?.message.embeds[0]?.title).toBe('Kaltura meetings: commands');

    expect(t.discord.invalidateSession({ resumable: false })).toBe(1);
    await eventually(
      () => t.discord.sessions().find((s) => s.id !== first.id && s.connected),
      15_000,
      'a new session',
    );
    const done = await finished('After re-identify');
    expect(done.followups).toEqual([]);
    expect(publicMessages('After re-identify')).toHaveLength(1);
  });
});
