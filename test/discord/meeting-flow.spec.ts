import { Client, MessageFlags } from 'discord.js';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { MEETING_EVENTS, MeetingsService, type Meeting } from '../../src/modules/meetings';
import { parseKs } from '../../src/modules/kaltura';
import { eventually } from '../support/eventually';
import {
  KAF_URL,
  bootFullApp,
  buttonIds,
  linkButtonUrl,
  originalContent,
  settled,
  world,
  type FullApp,
} from '../support/full-app';

jest.setTimeout(30_000);

/** The KS inside a personal join link. */
function ksOf(url: string | undefined): string {
  expect(url).toBeDefined();
  const ks = new URL(url!).searchParams.get('ks');
  expect(ks).toBeTruthy();
  return ks!;
}

describe('meetings through Discord (whole app, fake Discord + fake Kaltura)', () => {
  let t: FullApp;
  let meeting: Meeting;
  let meetingMessageId: string;
  const at = { guildId: world.guildId, channelId: world.channelId };

  beforeAll(async () => {
    t = await bootFullApp();
  });
  afterAll(() => t?.close());

  it('starts a meeting: deferred ack within 3 s, host link, then the public meeting message', async () => {
    const handle = t.discord.sendSlashCommand({
      ...at,
      userId: world.host,
      name: 'kaltura-start',
      options: { type: 'webinar', title: 'Weekly <@everyone> sync', description: 'Roadmap **review**' },
    });
    const ack = await handle.waitForCallback();
    expect(ack.type).toBe(5); // deferred
    expect(ack.elapsedMs).toBeLessThan(3000);
    expect((ack.data as { flags?: number }).flags).toBe(MessageFlags.Ephemeral);

    const done = await handle.waitFor((r) => r.edits.length > 0, 10_000);
    // The host's personal link: ephemeral, moderator role (Kaltura adminRole / contextual role 0).
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain('Your meeting is live');
    const hostUrl = linkButtonUrl(done.original?.message);
    expect(hostUrl!.startsWith(`${KAF_URL}/virtualEvent/launch?ks=`)).toBe(true);
    const hostKs = parseKs(ksOf(hostUrl), t.kaltura!.adminSecret);
    expect(hostKs.userId).toBe(`discord_${world.host}`);
    expect(hostKs.privileges).toMatchObject({
      role: 'adminRole',
      userContextualRole: '0',
      firstName: 'Hana Host',
    });

    // The public meeting message (a channel message, not a followup): embed + join/end buttons, no KS, no pings.
    expect(done.followups).toEqual([]);
    const publicMessage = await t.discord.waitForPublicMessage(
      world.channelId,
      'Weekly <@everyone> sync',
      10_000,
    );
    expect(publicMessage.ephemeral).toBe(false);
    expect(publicMessage.allowedMentions).toEqual({ parse: [] });
    expect(publicMessage.message.mentions).toEqual([]);
    expect(publicMessage.message.mention_everyone).toBe(false);
    expect(JSON.stringify(publicMessage.message)).not.toMatch(/ks=|djJ8/);
    const embed = publicMessage.message.embeds[0];
    expect(embed.title).toBe('Weekly <@everyone> sync');
    expect(embed.description).toBe('Roadmap **review**');
    expect(embed.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Type', value: '🎙️ Webinar' }),
        expect.objectContaining({ name: 'Host', value: 'Hana Host' }),
        expect.objectContaining({ name: 'Status', value: '🟢 Live' }),
        expect.objectContaining({ name: 'Started' }),
      ]),
    );
    meetingMessageId = publicMessage.message.id;
    // Public, and the only public message carrying meeting buttons (notifications may post alongside).
    expect(t.discord.channelMessages(world.channelId).map((m) => m.message.id)).toContain(meetingMessageId);
    expect(JSON.stringify(t.discord.channelMessages(world.channelId))).not.toMatch(/ks=|djJ8/);

    const service = t.app.get(MeetingsService);
    const meetings = await service.listActive(world.guildId);
    expect(meetings).toHaveLength(1);
    // The message is recorded right after Discord answered the post.
    await eventually(async () => (await service.get(world.guildId, meetings[0].id)).messageId !== null);
    meeting = await service.get(world.guildId, meetings[0].id);
    expect(meeting).toMatchObject({
      channelId: world.channelId,
      messageId: meetingMessageId,
      type: 'webinar',
    });
    expect(buttonIds(publicMessage.message)).toEqual([
      `meeting/join/${meeting.id}`,
      `meeting/end/${meeting.id}`,
    ]);
    expect(hostKs.privileges.resourceId).toBe(String(meeting.kaltura.resourceId));
    // Kaltura: a Newrow room, tagged as a webinar, and the host's user.
    expect(t.kaltura!.resource(meeting.kaltura.resourceId)?.tags).toContain('vcprovider:newrow');
    expect(t.kaltura!.resource(meeting.kaltura.resourceId)?.tags).toContain('custom_rs_class_mode:webinar');
    expect(t.kaltura!.user(`discord_${world.host}`)).toBeDefined();
  });

  it('gives a viewer who clicks Join an ephemeral personal viewer link', async () => {
    const handle = t.discord.clickButton({
      ...at,
      userId: world.viewer,
      customId: `meeting/join/${meeting.id}`,
      messageId: meetingMessageId,
    });
    const done = await settled(handle);
    expect(done.callback?.elapsedMs).toBeLessThan(3000);
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain('you join as **viewer**');
    const ks = parseKs(ksOf(linkButtonUrl(done.original?.message)), t.kaltura!.adminSecret);
    expect(ks.userId).toBe(`discord_${world.viewer}`);
    expect(ks.privileges).toMatchObject({
      resourceId: String(meeting.kaltura.resourceId),
      role: 'viewerRole',
      userContextualRole: '3',
      firstName: 'Vic the Viewer',
    });
    expect(ks.expiry).toBeGreaterThan(Date.now() / 1000 + 60);
    expect(t.kaltura!.user(`discord_${world.viewer}`)).toBeDefined();
    // The link went to the viewer alone: no KS anywhere public.
    expect(JSON.stringify(t.discord.channelMessages(world.channelId))).not.toMatch(/ks=|djJ8/);
  });

  it('gives an admin (Manage Server) an adminRole link through /kaltura-join', async () => {
    const handle = t.discord.sendSlashCommand({
      ...at,
      userId: world.admin,
      name: 'kaltura-join',
      options: { 'meeting-id': meeting.id },
    });
    const done = await settled(handle);
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toContain('you join as **admin (host controls)**');
    const ks = parseKs(ksOf(linkButtonUrl(done.original?.message)), t.kaltura!.adminSecret);
    expect(ks.privileges).toMatchObject({ role: 'adminRole', userContextualRole: '0' });
  });

  it('edits deferred replies while the bot-wide global rate budget is spent (interaction webhook lane)', async () => {
    // As after a global 429: discord.js holds every bot request for 5 s. Discord exempts interaction endpoints,
    // and so does the service: the deferral and the edit with the list go out at once.
    const rest = t.app.get(Client).rest;
    rest.globalRemaining = 0;
    rest.globalReset = Date.now() + 5_000;
    const handle = t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' });
    try {
      const done = await settled(handle, 1, 4_000);
      expect(done.callback?.type).toBe(5);
      expect(done.edits).toHaveLength(1);
      expect(originalContent(done) + JSON.stringify(done.original?.message.embeds)).toContain(meeting.title);
      expect(Date.now()).toBeLessThan(rest.globalReset);
    } finally {
      rest.globalReset = -1; // nothing waits on it: the budget is simply restored for the next tests
    }
  });

  it('suggests the running meetings of the guild when typing a meeting id', async () => {
    const handle = t.discord.sendAutocomplete({
      ...at,
      userId: world.viewer,
      name: 'kaltura-join',
      options: { 'meeting-id': 'weekly' },
      focused: 'meeting-id',
    });
    const done = await handle.waitFor((r) => r.autocompleteChoices !== null);
    expect(done.autocompleteChoices).toEqual([
      { name: 'Weekly <@everyone> sync · webinar · Hana Host', value: meeting.id },
    ]);

    const none = t.discord.sendAutocomplete({
      ...at,
      userId: world.viewer,
      name: 'kaltura-end',
      options: { 'meeting-id': '' },
      focused: 'meeting-id',
    });
    // A viewer can end nothing, so /kaltura-end suggests nothing.
    expect((await none.waitFor((r) => r.autocompleteChoices !== null)).autocompleteChoices).toEqual([]);
  });

  it('lists the running meetings with join buttons', async () => {
    const handle = t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' });
    const done = await settled(handle);
    expect(done.original?.ephemeral).toBe(true);
    const embed = done.original?.message.embeds[0];
    expect(embed?.title).toBe('1 meeting running');
    expect(embed?.fields?.[0]).toMatchObject({ name: 'Weekly <@everyone> sync' });
    expect(embed?.fields?.[0].value).toContain('host Hana Host');
    expect(embed?.fields?.[0].value).toMatch(/running for \d+ s/);
    expect(buttonIds(done.original?.message)).toEqual([`meeting/join/${meeting.id}`]);
  });

  it("keeps one guild's meetings out of another", async () => {
    const other = { guildId: world.otherGuildId, channelId: world.otherChannelId, userId: world.outsider };
    const list = await settled(t.discord.sendSlashCommand({ ...other, name: 'kaltura-list' }));
    expect(originalContent(list)).toBe(
      'No meetings are running in this server right now. Start one with `/kaltura-start`.',
    );
    const join = await settled(
      t.discord.sendSlashCommand({ ...other, name: 'kaltura-join', options: { 'meeting-id': meeting.id } }),
    );
    expect(originalContent(join)).toBe('There is no such meeting in this server.');
    expect(join.original?.ephemeral).toBe(true);
  });

  it('refuses End from someone who is neither host nor admin, and changes nothing', async () => {
    t.discord.clearCalls();
    const handle = t.discord.clickButton({
      ...at,
      userId: world.viewer,
      customId: `meeting/end/${meeting.id}`,
      messageId: meetingMessageId,
    });
    const done = await settled(handle);
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toBe('Only the host or an admin can end this meeting.');
    expect((await t.app.get(MeetingsService).get(world.guildId, meeting.id)).status).toBe('active');
    expect(t.discord.findCalls((c) => c.route === 'PATCH /channels/:channel/messages/:message')).toEqual([]);
    expect(buttonIds(t.discord.message(meetingMessageId)?.message)).toHaveLength(2);
  });

  it('ends the meeting for its host: Kaltura room removed, message edited to ended with duration, no buttons', async () => {
    const handle = t.discord.sendSlashCommand({
      ...at,
      userId: world.host,
      name: 'kaltura-end',
      options: { 'meeting-id': meeting.id },
    });
    const done = await settled(handle);
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toMatch(/^\*\*Weekly <@everyone> sync\*\* has ended after \d+ s\.$/);

    const edit = await t.discord.waitForCall((c) => c.route === 'PATCH /channels/:channel/messages/:message');
    expect(edit.path).toBe(`/channels/${world.channelId}/messages/${meetingMessageId}`);
    const edited = t.discord.message(meetingMessageId)!;
    expect(edited.message.components).toEqual([]);
    expect(edited.allowedMentions).toEqual({ parse: [] });
    const fields = edited.message.embeds[0].fields ?? [];
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Status', value: '⚪ Ended' }),
        expect.objectContaining({ name: 'Duration', value: expect.stringMatching(/^\d+ s$/) }),
      ]),
    );
    expect(t.kaltura!.resource(meeting.kaltura.resourceId)?.status).toBe(3); // deleted
    expect(t.kaltura!.callsTo('schedule_scheduleevent', 'cancel')).toHaveLength(1);
  });

  it('ends twice harmlessly, and refuses joins afterwards', async () => {
    t.discord.clearCalls();
    // The meeting message is edited only on `meeting.ended`, emitted synchronously inside the call that ended
    // the meeting: count them instead of waiting to see that no edit comes.
    const ended: unknown[] = [];
    const onEnded = (e: unknown) => ended.push(e);
    t.app.get(EventEmitter2).on(MEETING_EVENTS.ended, onEnded);
    const again = await settled(
      t.discord.sendSlashCommand({
        ...at,
        userId: world.host,
        name: 'kaltura-end',
        options: { 'meeting-id': meeting.id },
      }),
    );
    expect(originalContent(again)).toContain('has ended after');
    const join = await settled(
      t.discord.sendSlashCommand({
        ...at,
        userId: world.viewer,
        name: 'kaltura-join',
        options: { 'meeting-id': meeting.id },
      }),
    );
    expect(originalContent(join)).toBe('This meeting has ended.');
    t.app.get(EventEmitter2).off(MEETING_EVENTS.ended, onEnded);
    // Both commands have been answered (the second end's reply came after its `end()` returned): no event, so
    // no edit can follow.
    expect(ended).toEqual([]);
    expect(t.discord.findCalls((c) => c.route === 'PATCH /channels/:channel/messages/:message')).toEqual([]);
  });

  it('edits the meeting message also when the meeting ends outside Discord (Kaltura webhook)', async () => {
    t.discord.sendSlashCommand({
      ...at,
      userId: world.host,
      name: 'kaltura-start',
      options: { type: 'meeting', title: 'Late' },
    });
    const messageId = (await t.discord.waitForPublicMessage(world.channelId, 'Late', 10_000)).message.id;
    const meetings = t.app.get(MeetingsService);
    const [late] = await meetings.listActive(world.guildId);
    // The message is recorded right after Discord answered the followup.
    await eventually(async () => (await meetings.get(world.guildId, late.id)).messageId === messageId);
    await meetings.endedExternally(late.id);
    await t.discord.waitFor(() => t.discord.message(messageId)?.edits.length === 1, 5000, 'the message edit');
    expect(t.discord.message(messageId)?.message.components).toEqual([]);
  });
});
