import request from 'supertest';
import {
  EDIT_RETRY_DELAYS_MS,
  MeetingMessageUpdater,
} from '../../src/modules/discord/listeners/meeting-message.updater';
import { MeetingsService } from '../../src/modules/meetings';
import { eventually } from '../support/eventually';
import { bootFullApp, originalContent, settled, world, type FullApp } from '../support/full-app';

jest.setTimeout(30_000);

const at = { guildId: world.guildId, channelId: world.channelId };

async function startMeeting(t: FullApp, title: string) {
  const done = await t.discord
    .sendSlashCommand({
      ...at,
      userId: world.host,
      name: 'kaltura-start',
      options: { type: 'meeting', title },
    })
    .waitFor((r) => r.followups.length > 0, 15_000, 'the meeting message');
  const messageId = done.followups[0].message.id;
  const service = t.app.get(MeetingsService);
  const meeting = await eventually(
    async () =>
      (await service.listActive(world.guildId)).find((m) => m.title === title && m.messageId === messageId),
    5_000,
    'the meeting message recorded',
  );
  return { meeting, messageId, done };
}

describe('resilience of the bot (whole app, fake Discord + fake Kaltura)', () => {
  let t: FullApp;

  beforeAll(async () => {
    t = await bootFullApp();
  });
  afterAll(() => t?.close());

  it('waits out a 429 from Discord and still posts the meeting message', async () => {
    t.discord.rateLimitNext({ method: 'POST', path: /^\/webhooks\/\d+\/[^/]+$/, retryAfter: 0.3 });
    const { done } = await startMeeting(t, 'Rate limited');
    // Faulted calls carry no route: match them by method and path.
    const posts = t.discord.findCalls((c) => c.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(c.path));
    expect(posts.map((c) => [c.status, c.fault])).toEqual([
      [429, 'rateLimit'],
      [200, null],
    ]);
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(250);
    expect(done.followups[0].message.embeds[0].title).toBe('Rate limited');
    expect(t.logs.records()).toContainEqual(
      expect.objectContaining({
        msg: 'Discord rate limit hit; waiting it out',
        route: '/webhooks/:id/:token',
      }),
    );
    expect(t.logs.text).not.toContain(done.token);
    const metrics = await request(t.app.getHttpServer()).get('/metrics');
    expect(metrics.text).toMatch(
      /kd_commands_total\{kind="command",command="kaltura-start",outcome="ok"\} 1/,
    );
    // Every acknowledgement is timed from the interaction's own creation time.
    expect(metrics.text).toMatch(/kd_interaction_ack_seconds_count\{kind="command"\} [1-9]/);
  });

  it('resumes a dropped gateway socket and keeps answering', async () => {
    const [before] = t.discord.sessions();
    expect(t.discord.dropConnection({ abrupt: true })).toBe(1);
    await t.discord.waitFor(
      () => t.discord.sessions()[0]?.resumes === 1 && t.discord.sessions()[0]?.connected,
      10_000,
      'a resumed session',
    );
    expect(t.discord.sessions()[0].id).toBe(before.id);
    const done = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' }),
    );
    expect(done.original?.message.embeds[0]?.title).toMatch(/meetings? running/);
    expect(t.logs.text).toContain('Discord gateway shard resumed');
  });

  it('edits an old meeting message again later when Discord answers 30046 ("try again later")', async () => {
    const updater = t.app.get(MeetingMessageUpdater);
    updater.retryDelaysMs = [50];
    const { meeting, messageId } = await startMeeting(t, 'Old message');
    const path = new RegExp(`^/channels/\\d+/messages/${messageId}$`);
    // As Discord documents it: a limit that passes, not a permanent refusal.
    t.discord.limitOldMessageEditsNext({ path });
    try {
      await settled(
        t.discord.sendSlashCommand({
          ...at,
          userId: world.host,
          name: 'kaltura-end',
          options: { 'meeting-id': meeting.id },
        }),
      );
      await t.discord.waitForCall((c) => c.method === 'PATCH' && path.test(c.path) && c.status === 200, 5000);
      expect(t.discord.message(messageId)?.message.components).toEqual([]);
      expect(t.discord.message(messageId)?.message.embeds[0].fields).toContainEqual(
        expect.objectContaining({ name: 'Status', value: '⚪ Ended' }),
      );
      expect(
        t.discord.findCalls(
          (c) => c.route === 'POST /channels/:channel/messages' && JSON.stringify(c.body).includes(messageId),
        ),
      ).toEqual([]);
    } finally {
      t.discord.clearFaults();
      updater.retryDelaysMs = EDIT_RETRY_DELAYS_MS;
    }
  });

  it('replies in the channel (with an enforced nonce) when the meeting message is gone (10008)', async () => {
    const { meeting, messageId } = await startMeeting(t, 'Deleted message');
    t.discord.failRoute({
      method: 'PATCH',
      path: new RegExp(`^/channels/\\d+/messages/${messageId}$`),
      status: 404,
      code: 10008,
      message: 'Unknown Message',
    });
    try {
      await settled(
        t.discord.sendSlashCommand({
          ...at,
          userId: world.host,
          name: 'kaltura-end',
          options: { 'meeting-id': meeting.id },
        }),
      );
      const reply = await t.discord.waitForCall(
        (c) =>
          c.route === 'POST /channels/:channel/messages' &&
          c.status === 200 &&
          JSON.stringify(c.body).includes('message_reference'),
        5000,
      );
      expect(reply.body).toMatchObject({
        content: expect.stringMatching(/^\*\*Deleted message\*\* has ended after \d+ s\.$/),
        message_reference: { message_id: messageId, fail_if_not_exists: false },
        allowed_mentions: { parse: [] },
        nonce: `end-${meeting.id}`,
        enforce_nonce: true,
      });
    } finally {
      t.discord.clearFaults();
    }
  });

  it('answers an unexpected failure ephemerally with a reference, logs it, and keeps running', async () => {
    const service = t.app.get(MeetingsService);
    const spy = jest.spyOn(service, 'listActive').mockRejectedValueOnce(new Error('database exploded'));
    try {
      const handle = t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' });
      const done = await settled(handle);
      expect(done.original?.ephemeral).toBe(true);
      expect(originalContent(done)).toBe(`Something went wrong on our side. Reference: ${handle.id}`);
      expect(originalContent(done)).not.toContain('database exploded');
      const logged = t.logs.records().find((r) => r.msg === 'Interaction failed unexpectedly');
      expect(logged).toMatchObject({ level: 'error', interactionId: handle.id, interaction: 'kaltura-list' });
    } finally {
      spy.mockRestore();
    }
    const again = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' }),
    );
    expect(again.original?.message.embeds[0]?.title).toMatch(/running/);
  });

  it('tells the user ephemerally when Kaltura is down, and the process stays up', async () => {
    await t.kaltura!.goDown();
    try {
      const handle = t.discord.sendSlashCommand({
        ...at,
        userId: world.host,
        name: 'kaltura-start',
        options: { type: 'meeting', title: 'Kaltura is down' },
      });
      const ack = await handle.waitForCallback();
      expect(ack.elapsedMs).toBeLessThan(3000);
      const done = await settled(handle, 1, 20_000);
      expect(done.original?.ephemeral).toBe(true);
      expect(originalContent(done)).toBe('Kaltura is not reachable right now; try again in a minute.');
      expect(done.followups).toEqual([]);
      expect((await t.app.get(MeetingsService).listActive(world.guildId)).map((m) => m.title)).not.toContain(
        'Kaltura is down',
      );
    } finally {
      await t.kaltura!.goUp();
    }
    // Still alive: HTTP and the bot answer.
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    const help = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-help' }),
    );
    expect(help.original?.message.embeds[0]?.title).toBe('Kaltura meetings: commands');
  });

  it('closes the gateway cleanly when the app stops', async () => {
    const sessionId = t.discord.sessions()[0].id;
    await t.app.close();
    await t.discord.waitFor(
      () => t.discord.gatewayLog.some((e) => e.direction === 'close' && e.sessionId === sessionId),
      5000,
      'the gateway close',
    );
    const close = t.discord.gatewayLog
      .filter((e) => e.direction === 'close' && e.sessionId === sessionId)
      .at(-1);
    expect(close?.d).toBe(1000);
  });
});
