import request from 'supertest';
import { AccessTokenService, type GuildScopes } from '../../src/modules/auth';
import { MeetingsService, type Meeting } from '../../src/modules/meetings';
import { ATTENDANCE_CSV_NAME, AttendanceRepository, attendanceCsv } from '../../src/modules/notification';
import type { RecordedCall } from '../fakes/discord';
import { eventually } from '../support/eventually';
import { bootFullApp, settled, world, type FullApp } from '../support/full-app';

jest.setTimeout(30_000);

/**
 * Attendance (issue 18 items 6 and 7), through real discord.js against the fake Discord: members who take a
 * personal link are recorded; when the meeting ends one "N members joined" post names them (never pinging), with
 * the whole list as a CSV upload past 25 names; moderators read the list over REST, guild-scoped.
 */
describe('attendance (whole app, fake Discord + fake Kaltura)', () => {
  let t: FullApp;
  const service = () => t.app.get(MeetingsService);
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await bootFullApp();
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

  /** A member presses the card's Join button (the real join path) and gets their link. */
  async function clickJoin(meeting: Meeting, userId: string): Promise<void> {
    const done = await settled(
      t.discord.clickButton({
        guildId: world.guildId,
        channelId: world.channelId,
        userId,
        customId: `meeting/join/${meeting.id}`,
        messageId: meeting.messageId!,
      }),
    );
    expect(done.original?.ephemeral).toBe(true);
  }

  const end = (meeting: Meeting) =>
    service().end(world.guildId, meeting.id, {
      userId: world.host,
      displayName: 'Hana Host',
      role: 'moderator',
    });

  /** The one attendance post of the meeting, once delivered. */
  async function attendancePost(title: string): Promise<RecordedCall> {
    const isPost = (c: RecordedCall) =>
      c.route === 'POST /channels/:channel/messages' &&
      c.status === 200 &&
      typeof (c.body as { content?: unknown }).content === 'string' &&
      (c.body as { content: string }).content.startsWith('👥') &&
      (c.body as { content: string }).content.includes(`**${title}**`);
    await t.discord.waitForCall(isPost, 10_000).catch((err: unknown) => {
      const tried = t.discord.findCalls(
        (c) => c.route === 'POST /channels/:channel/messages' && c.status !== 200,
      );
      throw new Error(
        `${String(err)}; refused posts: ${JSON.stringify(tried.map((c) => [c.status, c.responseBody]))}`,
      );
    });
    const posts = t.discord.findCalls(isPost);
    expect(posts).toHaveLength(1);
    return posts[0];
  }

  function bearer(subject: string, guilds: GuildScopes): Record<string, string> {
    const { token } = t.app
      .get(AccessTokenService)
      .issue({ kind: 'user', subject, displayName: 'Caller', guilds });
    return { Authorization: `Bearer ${token}` };
  }

  let small: Meeting;

  it('two members take links, the meeting ends → one post "2 members joined" naming both, pinging nobody', async () => {
    // The host takes the first link: starting a meeting hands them theirs.
    small = await startMeeting('Small standup');
    await clickJoin(small, world.viewer);
    await clickJoin(small, world.viewer); // a second link: still one member
    await eventually(
      async () => ((await t.app.get(AttendanceRepository).count(small.id)) === 2 ? true : undefined),
      5_000,
      'both members recorded',
    );
    await end(small);

    const post = await attendancePost('Small standup');
    expect(post.body).toMatchObject({
      content: '👥 2 members joined **Small standup**: Hana Host, Vic the Viewer',
      allowed_mentions: { parse: [] },
    });
    expect(post.files).toEqual([]);
    const list = await t.app.get(AttendanceRepository).list(small.id);
    expect(list.map((a) => [a.memberId, a.count])).toEqual([
      [world.host, 1],
      [world.viewer, 2],
    ]);
  });

  it('30 members → the post names 25 and uploads the whole list as attendance.csv (multipart)', async () => {
    const meeting = await startMeeting('Town hall'); // the host's link: the first member
    const members = Array.from({ length: 29 }, (_, i) => String(790000000000000000n + BigInt(i)));
    // Members beyond the fixture guild's few: the join use case directly, the path the button takes.
    for (const [i, userId] of members.entries())
      await service().join(world.guildId, meeting.id, {
        userId,
        displayName: i === 0 ? '=cmd|" /C calc"!A0, "Mallory"' : `Member ${i}`,
        role: 'viewer',
        access: { via: 'rest-user' },
      });
    await eventually(
      async () => ((await t.app.get(AttendanceRepository).count(meeting.id)) === 30 ? true : undefined),
      5_000,
      'thirty members recorded',
    );
    await end(meeting);

    const post = await attendancePost('Town hall');
    const body = post.body as { content: string; attachments: unknown; allowed_mentions: unknown };
    expect(body.content).toMatch(/^👥 30 members joined \*\*Town hall\*\*: /);
    expect(body.content).toContain('Member 23 and 5 more (full list in attendance.csv)');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.attachments).toEqual([{ id: '0', filename: ATTENDANCE_CSV_NAME }]);
    expect(post.headers.contentType).toMatch(/^multipart\/form-data/);
    const csv = attendanceCsv(await t.app.get(AttendanceRepository).list(meeting.id));
    expect(csv).toContain(`"'=cmd|"" /C calc""!A0, ""Mallory"""`);
    expect(post.files).toEqual([
      expect.objectContaining({
        field: 'files[0]',
        filename: ATTENDANCE_CSV_NAME,
        size: Buffer.byteLength(csv),
      }),
    ]);
    // The message Discord stored carries the attachment.
    const stored = t.discord
      .channelMessages(world.channelId)
      .find((m) => m.message.id === (post.responseBody as { id: string }).id);
    expect(stored?.message.attachments).toEqual([expect.objectContaining({ filename: ATTENDANCE_CSV_NAME })]);
  });

  it('REST: moderators read the attendance; viewers are refused; another guild sees 403 or 404', async () => {
    const path = `/api/v1/guilds/${world.guildId}/meetings/${small.id}/attendance`;
    const res = await http()
      .get(path)
      .set(bearer(world.moderator, { [world.guildId]: 'moderator' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ apiVersion: '1', meetingId: small.id, members: 2, capped: false });
    expect(res.body.items).toEqual([
      expect.objectContaining({
        memberId: world.host,
        displayName: 'Hana Host',
        role: 'moderator',
        links: 1,
      }),
      expect.objectContaining({
        memberId: world.viewer,
        displayName: 'Vic the Viewer',
        role: 'viewer',
        links: 2,
      }),
    ]);
    expect(Date.parse(res.body.items[1].firstLinkAt)).toBeLessThanOrEqual(
      Date.parse(res.body.items[1].lastLinkAt),
    );

    const viewer = await http()
      .get(path)
      .set(bearer(world.viewer, { [world.guildId]: 'viewer' }));
    expect(viewer.status).toBe(403);
    expect(viewer.headers['content-type']).toMatch(/problem\+json/);

    // Guild B's admin: guild A's route is not theirs (403); A's meeting under B's route is unknown (404).
    const other = bearer(world.outsider, { [world.otherGuildId]: 'admin' });
    expect((await http().get(path).set(other)).status).toBe(403);
    const crossed = await http()
      .get(`/api/v1/guilds/${world.otherGuildId}/meetings/${small.id}/attendance`)
      .set(other);
    expect(crossed.status).toBe(404);
    expect(JSON.stringify(crossed.body)).not.toContain('Vic');
  });

  it('REST: the meeting detail counts attendance and recordings (no thread field: threads are not built)', async () => {
    const res = await http()
      .get(`/api/v1/guilds/${world.guildId}/meetings/${small.id}`)
      .set(bearer(world.viewer, { [world.guildId]: 'viewer' }));
    expect(res.status).toBe(200);
    expect(res.body.meeting).toMatchObject({ id: small.id, attendance: { members: 2 }, recordings: 0 });
    expect(res.body.meeting).not.toHaveProperty('threadId');

    t.kaltura!.recordSession(small.kaltura.eventId!, 60);
    // The recording announced (by the reconciler here; the webhook path uses the same announcer).
    const { RecordingReconciler } = await import('../../src/modules/notification');
    await t.app.get(RecordingReconciler).sweep(new Date(Date.now() + 60_000));
    const after = await http()
      .get(`/api/v1/guilds/${world.guildId}/meetings/${small.id}`)
      .set(bearer(world.viewer, { [world.guildId]: 'viewer' }));
    expect(after.body.meeting.recordings).toBe(1);
  });
});
