import { ChannelType, PermissionFlagsBits } from 'discord.js';
import request from 'supertest';
import { MeetingsService } from '../../src/modules/meetings';
import { signWebhookBody } from '../../src/modules/notification';
import { fakeSnowflake } from '../fakes/discord';
import { eventually } from '../support/eventually';
import {
  bootFullApp,
  originalContent,
  settled,
  world,
  worldDiscordOptions,
  type FullApp,
} from '../support/full-app';

jest.setTimeout(30_000);

const WEBHOOK_SECRET = 'threads-spec-webhook-secret-0123456789';
const ch = {
  /** Text channel whose overwrites give @everyone (the bot too) Send Messages in Threads. */
  home: fakeSnowflake(),
  publicThread: fakeSnowflake(),
  privateThread: fakeSnowflake(),
  archived: fakeSnowflake(),
  lockedArchived: fakeSnowflake(),
  /** Text channel without Send Messages in Threads (the @everyone default lacks it). */
  bare: fakeSnowflake(),
  bareThread: fakeSnowflake(),
};

/**
 * Meetings in threads, end to end (issue 26 item 12): the card is posted in the thread the command ran in, Join
 * works there, a Kaltura webhook notification for the meeting lands in the thread; without Send Messages in Threads
 * the start is refused up front; an archived thread is reopened by the post, a locked one refuses the start.
 */
describe('meetings in threads (whole app, fake Discord + fake Kaltura)', () => {
  let t: FullApp;
  const service = () => t.app.get(MeetingsService);

  beforeAll(async () => {
    const options = worldDiscordOptions();
    const thread = (id: string, name: string, type: ChannelType, extra = {}) => ({
      id,
      name,
      type,
      parentId: ch.home,
      ...extra,
    });
    options.guilds![0].channels!.push(
      {
        id: ch.home,
        name: 'threads-home',
        permissionOverwrites: [{ id: world.guildId, allow: PermissionFlagsBits.SendMessagesInThreads }],
      },
      thread(ch.publicThread, 'public-thread', ChannelType.PublicThread),
      thread(ch.privateThread, 'private-thread', ChannelType.PrivateThread),
      // Archived threads are not in GUILD_CREATE: discord.js has not cached them, the app must look them up.
      thread(ch.archived, 'archived-thread', ChannelType.PublicThread, { archived: true }),
      thread(ch.lockedArchived, 'locked-thread', ChannelType.PublicThread, { archived: true, locked: true }),
      { id: ch.bare, name: 'no-threads' },
      { id: ch.bareThread, name: 'bare-thread', type: ChannelType.PublicThread, parentId: ch.bare },
    );
    t = await bootFullApp({ discord: options, env: { KALTURA_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  });
  afterAll(() => t?.close());

  const start = (channelId: string, title: string) =>
    t.discord.sendSlashCommand({
      guildId: world.guildId,
      channelId,
      userId: world.host,
      name: 'kaltura-start',
      options: { type: 'meeting', title },
    });
  const recorded = (title: string) =>
    eventually(
      async () =>
        (await service().listActive(world.guildId)).find((m) => m.title === title && m.messageId !== null),
      10_000,
      `the meeting "${title}" with its message`,
    );

  it.each([
    ['a public thread', ch.publicThread],
    ['a private thread', ch.privateThread],
  ])(
    'starts a meeting in %s: the card, Join and a Kaltura notification all live in the thread',
    async (_kind, threadId) => {
      const title = `In ${threadId}`;
      const done = await settled(start(threadId, title));
      expect(originalContent(done)).toContain('Your meeting is live');
      const card = await t.discord.waitForPublicMessage(threadId, title, 10_000);
      expect(card.message.channel_id).toBe(threadId);
      expect(t.discord.publicMessages(ch.home, title)).toEqual([]);
      const meeting = await recorded(title);
      expect(meeting).toMatchObject({ channelId: threadId, messageId: card.message.id });
      // Posted by the bot into the thread (Send Messages in Threads), with the meeting's nonce: not a followup.
      expect(card.message.nonce).toBe(`start-${meeting.id}`);
      expect(done.followups).toEqual([]);

      // Join from the card in the thread: a personal, ephemeral link.
      const join = await settled(
        t.discord.clickButton({
          guildId: world.guildId,
          channelId: threadId,
          userId: world.viewer,
          customId: `meeting/join/${meeting.id}`,
          messageId: card.message.id,
        }),
      );
      expect(join.original?.ephemeral).toBe(true);
      expect(originalContent(join)).toContain('you join as **viewer**');

      // Kaltura says the recording is ready: the notification goes to the meeting's channel, the thread.
      const raw = JSON.stringify({
        eventNotificationJobId: Number(BigInt(threadId) % 1_000_000n),
        eventType: 3,
        eventObjectType: 1,
        objectType: 'KalturaHttpNotification',
        object: {
          objectType: 'KalturaMediaEntry',
          id: `0_${meeting.id}`,
          status: 2,
          name: 'Recording',
          // What Kaltura copies from the meeting's template entry onto the recording.
          adminTags: `kd,kd-guild:${world.guildId},kd-meeting:${meeting.id}`,
        },
      });
      await request(t.app.getHttpServer())
        .post('/api/v1/webhooks/kaltura')
        .set('Content-Type', 'application/json')
        .set('X-KALTURA-SIGNATURE', signWebhookBody(WEBHOOK_SECRET, Buffer.from(raw), 'sha256'))
        .set('X-KALTURA-HASH-ALGO', 'sha256')
        .send(raw)
        .expect((res) => expect(res.status).toBeLessThan(300));
      const notice = await t.discord.waitFor(
        () =>
          t.discord
            .channelMessages(threadId)
            .find((m) => m.message.content.includes('The recording of') && m.message.content.includes(title)),
        10_000,
        'the recording notification in the thread',
      );
      expect(notice.message.channel_id).toBe(threadId);
    },
  );

  it('refuses, ephemerally and before creating anything, where the bot lacks Send Messages in Threads', async () => {
    expect(t.discord.botPermissionsIn(ch.bareThread) & PermissionFlagsBits.SendMessagesInThreads).toBe(0n);
    const done = await settled(start(ch.bareThread, 'No thread rights'));
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain(
      `The bot cannot post in channel <#${ch.bareThread}> (it needs Send Messages there; in threads Send Messages in Threads).`,
    );
    expect(originalContent(done)).toContain('Nothing was changed.');
    expect(done.followups).toEqual([]);
    expect(t.discord.channelMessages(ch.bareThread)).toEqual([]);
    expect((await service().listActive(world.guildId)).map((m) => m.title)).not.toContain('No thread rights');
  });

  it('reopens an archived thread with the card (Discord unarchives a thread that is not locked)', async () => {
    const done = await settled(start(ch.archived, 'Archived thread'));
    expect(originalContent(done)).toContain('Your meeting is live');
    const card = await t.discord.waitForPublicMessage(ch.archived, 'Archived thread', 10_000);
    const meeting = await recorded('Archived thread');
    expect(meeting.messageId).toBe(card.message.id);
    expect(card.message.nonce).toBe(`start-${meeting.id}`);
    expect(t.discord.state.channel(ch.archived)?.channel.archived).toBe(false);
  });

  it('refuses to start in an archived, locked thread: Discord would answer 50083', async () => {
    const done = await settled(start(ch.lockedArchived, 'Locked thread'));
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain(`Thread <#${ch.lockedArchived}> is archived and locked`);
    expect(t.discord.channelMessages(ch.lockedArchived)).toEqual([]);
    expect((await service().listActive(world.guildId)).map((m) => m.title)).not.toContain('Locked thread');
    // No post was even tried: a refused post would count toward Discord's invalid-request limit.
    expect(
      t.discord.findCalls((c) => c.method === 'POST' && c.path === `/channels/${ch.lockedArchived}/messages`),
    ).toEqual([]);
  });
});
