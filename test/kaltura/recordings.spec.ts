import request from 'supertest';
import { MeetingsService, type Meeting } from '../../src/modules/meetings';
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NotificationRepository,
  RecordingReconciler,
  WebhookEventRepository,
  signWebhookBody,
} from '../../src/modules/notification';
import type { FakeMediaEntry } from '../fakes/kaltura';
import { eventually } from '../support/eventually';
import { KAF_URL, bootFullApp, settled, world, type FullApp } from '../support/full-app';

jest.setTimeout(30_000);

const WEBHOOK_SECRET = 'recordings-spec-webhook-secret-0123456789';
const WINDOW_MS = DEFAULT_NOTIFICATION_OPTIONS.recordings.windowMs;

/**
 * Recordings that really arrive (issue 18 item 3), end to end through real discord.js and kaltura-client against
 * the fakes: every room gets a template entry whose admin tags and partner data name the guild and meeting; the
 * fake records a session by copying the template (entry::copyTemplate: not referenceId); the entry-ready webhook,
 * the reconciler, or both, post the recording exactly once; entries that are not ours are ignored with the reason.
 */
describe('recordings of meetings (whole app, fake Discord + fake Kaltura)', () => {
  let t: FullApp;
  let jobId = 7_000;
  const service = () => t.app.get(MeetingsService);
  const reconciler = () => t.app.get(RecordingReconciler);
  const fake = () => t.kaltura!;

  beforeAll(async () => {
    t = await bootFullApp({ env: { KALTURA_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  });
  afterAll(() => t?.close());

  async function startMeeting(title: string): Promise<Meeting> {
    await settled(
      t.discord.sendSlashCommand({
        guildId: world.guildId,
        channelId: world.channelId,
        userId: world.host,
        name: 'kaltura-start',
        options: { type: 'meeting', title },
      }),
    );
    return eventually(
      async () => (await service().listActive(world.guildId)).find((m) => m.title === title && m.messageId),
      10_000,
      `the meeting "${title}"`,
    );
  }

  async function endMeeting(meeting: Meeting): Promise<Meeting> {
    return service().end(world.guildId, meeting.id, {
      userId: world.host,
      displayName: 'Hana Host',
      role: 'moderator',
    });
  }

  async function postEntryReady(entry: FakeMediaEntry): Promise<string> {
    const raw = fake().entryReadyWebhook(entry, jobId++);
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/webhooks/kaltura')
      .set('Content-Type', 'application/json')
      .set('X-KALTURA-SIGNATURE', signWebhookBody(WEBHOOK_SECRET, Buffer.from(raw), 'sha256'))
      .set('X-KALTURA-HASH-ALGO', 'sha256')
      .send(raw);
    expect(res.status).toBe(200);
    return (res.body as { eventId: string }).eventId;
  }

  const recordingPosts = (entryId: string) =>
    t.discord
      .channelMessages(world.channelId)
      .filter((m) => m.message.content.includes(`entryid/${entryId}`));

  /**
   * Exactly one post for the entry: its notifications (whatever path made them) are all delivered — nothing is
   * left to post — and there is one of them, and one message in the channel.
   */
  async function onePost(entryId: string) {
    const mine = async () =>
      (await t.app.get(NotificationRepository).listByGuild(world.guildId, { limit: 100 })).items.filter((n) =>
        n.content.includes(`entryid/${entryId}`),
      );
    await eventually(
      async () => {
        const records = await mine();
        return records.length > 0 && records.every((n) => n.status === 'sent') ? true : undefined;
      },
      10_000,
      'the recording notification sent',
    );
    expect(await mine()).toHaveLength(1);
    const posts = await t.discord.waitFor(
      () => (recordingPosts(entryId).length ? recordingPosts(entryId) : undefined),
      5_000,
    );
    expect(posts).toHaveLength(1);
    return posts[0];
  }

  const webhookEvent = (id: string) => t.app.get(WebhookEventRepository).get(id);

  it("gives every room a template entry with the meeting's admin tags and partner data", async () => {
    const meeting = await startMeeting('Template check');
    const event = fake().event(meeting.kaltura.eventId!)!;
    expect(event.objectType).toBe('KalturaRecordScheduleEvent');
    expect(fake().links()).toContainEqual(
      expect.objectContaining({ eventId: event.id, resourceId: meeting.kaltura.resourceId }),
    );
    expect(fake().entry(event.templateEntryId!)).toMatchObject({
      adminTags: `kd,kd-guild:${world.guildId},kd-meeting:${meeting.id}`,
      partnerData: JSON.stringify({ guildId: world.guildId, meetingId: meeting.id }),
      status: 7,
    });
  });

  it('entry-ready webhook → one post naming the recording, its duration and a link; the reconciler adds none', async () => {
    const meeting = await startMeeting('Webhook path');
    const recording = fake().recordSession(meeting.kaltura.eventId!, 1_830);
    expect(recording.referenceId).toBeUndefined(); // what misled the old matching: Kaltura never copies it
    const eventId = await postEntryReady(recording);

    const post = await onePost(recording.id);
    expect(post.message.content).toBe(
      `🎬 The recording of **Webhook path** is ready: **Webhook path**, 30 min — ` +
        `${KAF_URL}/browseandembed/index/media/entryid/${recording.id}`,
    );
    await eventually(
      async () => ((await webhookEvent(eventId))?.status === 'processed' ? true : undefined),
      5_000,
      'the event processed',
    );

    // The meeting ends; the reconciler finds the same recording: still one post.
    const ended = await endMeeting(meeting);
    const sweep = await reconciler().sweep(new Date(ended.endedAt!.getTime() + 60_000));
    expect(sweep).toMatchObject({ failed: 0, found: 1 });
    await onePost(recording.id);
  });

  it('webhook lost → the reconciler posts once, however often it sweeps, and only within its window', async () => {
    const meeting = await startMeeting('Lost webhook');
    const ended = await endMeeting(meeting);
    const endedAt = ended.endedAt!.getTime();
    // Nothing recorded yet: a sweep looks the meeting up and finds nothing for it.
    const recordingsOf = async () =>
      (await t.app.get(NotificationRepository).listByGuild(world.guildId, { limit: 100 })).items.filter(
        (n) => n.meetingId === meeting.id && n.type === 'recording_ready',
      );
    await reconciler().sweep(new Date(endedAt + 1_000));
    expect(
      fake()
        .callsTo('media', 'list')
        .some((c) => JSON.stringify(c.params).includes(meeting.id)),
    ).toBe(true);
    expect(await recordingsOf()).toEqual([]);

    const recording = fake().recordSession(meeting.kaltura.eventId!, 95);
    const list = fake().callsTo('media', 'list').length;
    const first = await reconciler().sweep(new Date(endedAt + 120_000));
    expect(first.failed).toBe(0);
    expect(fake().callsTo('media', 'list').length).toBeGreaterThan(list);
    expect(await recordingsOf()).toHaveLength(1);
    const post = await onePost(recording.id);
    expect(post.message.content).toContain('**Lost webhook**, 1 min — ');

    await reconciler().sweep(new Date(endedAt + 240_000));
    // And the webhook arriving late after all changes nothing either.
    const late = await postEntryReady(recording);
    await eventually(
      async () => ((await webhookEvent(late))?.status === 'processed' ? true : undefined),
      5_000,
      'the late event processed',
    );
    await reconciler().sweep(new Date(endedAt + 360_000));
    await onePost(recording.id);

    // Past the window the meeting is no longer looked up.
    const before = fake().callsTo('media', 'list').length;
    await reconciler().sweep(new Date(endedAt + WINDOW_MS + 1_000));
    const lookedUp = fake()
      .callsTo('media', 'list')
      .slice(before)
      .filter((c) => JSON.stringify(c.params).includes(meeting.id));
    expect(lookedUp).toEqual([]);
  });

  it.each([
    ['with no tags at all', {}],
    ["with another integration's tags", { adminTags: 'zoom,zoom-meeting:123', partnerData: '{"zoom":1}' }],
    [
      "naming this meeting under another guild's id",
      { adminTags: 'kd,kd-guild:999999999999999999,kd-meeting:__MEETING__' },
    ],
  ])('ignores an entry %s, and logs why', async (_what, fields) => {
    const meeting = await startMeeting(`Foreign ${jobId}`);
    const entry = fake().seedEntry(
      Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, String(v).replace('__MEETING__', meeting.id)]),
      ),
    );
    const eventId = await postEntryReady(entry);
    const stored = await eventually(
      async () => {
        const e = await webhookEvent(eventId);
        return e && e.status !== 'received' ? e : undefined;
      },
      5_000,
      'the event processed',
    );
    expect(stored.status).toBe('ignored');
    await eventually(
      async () => (t.logs.text.includes(`"eventId":"${eventId}"`) ? true : undefined),
      5_000,
      'the ignore logged',
    );
    const logged = t.logs.records().find((r) => r.eventId === eventId && typeof r.reason === 'string');
    expect(logged?.reason).toBe(stored.outcome);
    expect(recordingPosts(entry.id)).toEqual([]);
  });
});
