import { MeetingsService } from '../../src/modules/meetings';
import { eventually } from '../support/eventually';
import { bootFullApp, world, type FullApp } from '../support/full-app';

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
      .waitFor(
        (r) => r.followups.length > 0 && r.edits.length > 0,
        15_000,
        'the meeting message and the edit',
      );
    const callbacks = t.discord.findCalls(
      (c) => c.method === 'POST' && CALLBACK.test(c.path) && c.path.includes(done.token),
    );
    expect(callbacks.map((c) => c.status)).toEqual([502, 400]);
    expect(callbacks[1].responseBody).toMatchObject({ code: 40060 });
    expect(done.followups[0].message.embeds[0].title).toBe('Lost ack');
    const messageId = done.followups[0].message.id;
    await eventually(
      async () =>
        (await t.app.get(MeetingsService).listActive(world.guildId)).find(
          (m) => m.title === 'Lost ack' && m.messageId === messageId,
        ),
      5000,
      'the meeting message recorded',
    );
  });
});
