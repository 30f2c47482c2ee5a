import { MeetingsService } from '../../src/modules/meetings';
import { eventually } from '../support/eventually';
import { bootFullApp, meetingCardBody, world, type FullApp } from '../support/full-app';

jest.setTimeout(30_000);

const at = { guildId: world.guildId, channelId: world.channelId };
const CALLBACK = /^\/interactions\/\d+\/[^/]+\/callback$/;

/** Discord semantics of issue 26 (items 8 to 10) against the whole app and the fake Discord. */
describe('Discord semantics (whole app, fake Discord + fake Kaltura)', () => {
  let t: FullApp;

  beforeAll(async () => {
    t = await bootFullApp();
  });
  afterAll(() => t?.close());
  afterEach(() => t.discord.clearFaults());

  it('treats 40060 on a retried callback as acknowledged and finishes /kaltura-start (issue 26 item 8)', async () => {
    // Discord carries out the deferral but the answer is lost (502): @discordjs/rest retries, the retry gets 40060.
    t.discord.loseAnswerNext({ method: 'POST', path: CALLBACK });
    const done = await t.discord
      .sendSlashCommand({
        ...at,
        userId: world.host,
        name: 'kaltura-start',
        options: { type: 'meeting', title: 'Lost ack' },
      })
      .waitFor((r) => r.edits.length > 0, 15_000, "the host's answer");
    const card = await t.discord.waitForPublicMessage(world.channelId, 'Lost ack', 15_000);
    const callbacks = t.discord.findCalls(
      (c) => c.method === 'POST' && CALLBACK.test(c.path) && c.path.includes(done.token),
    );
    expect(callbacks.map((c) => c.status)).toEqual([502, 400]);
    expect(callbacks[1].responseBody).toMatchObject({ code: 40060 });
    const messageId = card.message.id;
    await eventually(
      async () =>
        (await t.app.get(MeetingsService).listActive(world.guildId)).find(
          (m) => m.title === 'Lost ack' && m.messageId === messageId,
        ),
      5000,
      'the meeting message recorded',
    );
  });

  it('posts one meeting card when Discord carried out the post but its answer was lost (issue 26 item 10)', async () => {
    // Discord creates the card, the answer is lost (502); @discordjs/rest retries the same body, nonce included.
    const cardPath = new RegExp(`^/channels/${world.channelId}/messages$`);
    t.discord.loseAnswerNext({ method: 'POST', path: cardPath, body: meetingCardBody('Answer lost') });
    const handle = t.discord.sendSlashCommand({
      ...at,
      userId: world.host,
      name: 'kaltura-start',
      options: { type: 'meeting', title: 'Answer lost' },
    });
    await handle.waitFor((r) => r.edits.length > 0, 15_000, "the host's answer");
    const meeting = await eventually(
      async () =>
        (await t.app.get(MeetingsService).listActive(world.guildId)).find(
          (m) => m.title === 'Answer lost' && m.messageId !== null,
        ),
      10_000,
      'the meeting message recorded',
    );
    const posts = t.discord.findCalls(
      (c) => c.method === 'POST' && cardPath.test(c.path) && meetingCardBody('Answer lost')(c.body),
    );
    expect(posts.map((c) => [c.status, c.fault])).toEqual([
      [502, 'lostAnswer'],
      [200, null],
    ]);
    expect(posts.map((c) => (c.body as { nonce?: string }).nonce)).toEqual([
      `start-${meeting.id}`,
      `start-${meeting.id}`,
    ]);
    // Discord returned the card it had made: one card, and it is the one the meeting records.
    const cards = t.discord.publicMessages(world.channelId, 'Answer lost');
    expect(cards).toHaveLength(1);
    expect((posts[1].responseBody as { id: string }).id).toBe(cards[0].message.id);
    expect(meeting.messageId).toBe(cards[0].message.id);
    // The card is no interaction followup (those carry no nonce).
    expect(handle.responses().followups).toEqual([]);
  });
});
