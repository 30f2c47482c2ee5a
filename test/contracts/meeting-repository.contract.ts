import { newMeetingId, type Meeting, type MeetingRepository } from '../../src/modules/meetings';

let seq = 0;
/** A valid meeting with unique id; override what the test is about. */
export function aMeeting(overrides: Partial<Meeting> = {}): Meeting {
  seq += 1;
  return {
    id: newMeetingId(),
    guildId: '100000000000000001',
    channelId: '200000000000000001',
    messageId: null,
    hostId: '300000000000000001',
    hostName: 'Hana <@everyone> Host',
    title: 'Standup ✓',
    description: null,
    type: 'meeting',
    status: 'active',
    kaltura: { resourceId: 1000 + seq, eventId: 5000 + seq },
    createdAt: new Date(Date.UTC(2025, 0, 1, 10, 0, seq % 60)),
    endedAt: null,
    endedBy: null,
    ...overrides,
  };
}

/**
 * What every `MeetingRepository` adapter must do (memory and MongoDB alike): the meetings module relies on these
 * rules — guild scoping, newest-first listing, one winner when ending, copies rather than shared objects.
 */
export function meetingRepositoryContract(
  name: string,
  make: () => Promise<{ repository: MeetingRepository; close: () => Promise<void> }>,
): void {
  describe(`MeetingRepository contract: ${name}`, () => {
    let repository: MeetingRepository;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ repository, close } = await make());
    });
    afterAll(() => close());

    it('stores and reads back every field exactly', async () => {
      const meeting = aMeeting({ description: 'Agenda: <b>x</b>', type: 'webinar' });
      await repository.insert(meeting);
      expect(await repository.findById(meeting.id)).toEqual(meeting);
      expect(await repository.findInGuild(meeting.guildId, meeting.id)).toEqual(meeting);
    });

    it('keeps a room without event id as such', async () => {
      const meeting = aMeeting({ kaltura: { resourceId: 77 } });
      await repository.insert(meeting);
      expect((await repository.findById(meeting.id))?.kaltura).toEqual({ resourceId: 77 });
    });

    it('refuses a second meeting with the same id', async () => {
      const meeting = aMeeting();
      await repository.insert(meeting);
      await expect(repository.insert({ ...meeting, title: 'Other' })).rejects.toBeDefined();
      expect((await repository.findById(meeting.id))?.title).toBe(meeting.title);
    });

    it('hides a meeting from other guilds', async () => {
      const meeting = aMeeting({ guildId: '100000000000000009' });
      await repository.insert(meeting);
      expect(await repository.findInGuild('100000000000000001', meeting.id)).toBeNull();
      expect(await repository.findById('does-not-exist')).toBeNull();
    });

    it('returns copies: changing a result changes nothing stored', async () => {
      const meeting = aMeeting();
      await repository.insert(meeting);
      meeting.title = 'changed after insert';
      const read = await repository.findById(meeting.id);
      expect(read?.title).toBe('Standup ✓');
      read!.status = 'ended';
      read!.kaltura.resourceId = 1;
      expect(await repository.findById(meeting.id)).toMatchObject({ status: 'active', title: 'Standup ✓' });
      expect((await repository.findById(meeting.id))?.kaltura.resourceId).not.toBe(1);
    });

    it("lists a guild's active meetings newest first, up to the limit", async () => {
      const guildId = '100000000000000042';
      const times = [3, 1, 4, 2].map((h) => new Date(Date.UTC(2025, 1, 1, h)));
      const meetings = times.map((createdAt) => aMeeting({ guildId, createdAt }));
      for (const m of meetings) await repository.insert(m);
      await repository.insert(aMeeting({ guildId, status: 'ended', endedAt: new Date(), endedBy: 'x' }));
      await repository.insert(aMeeting({ guildId: '100000000000000043' }));

      const listed = await repository.listActive(guildId, 10);
      expect(listed.map((m) => m.createdAt.getTime())).toEqual(
        [...times].sort((a, b) => b.getTime() - a.getTime()).map((d) => d.getTime()),
      );
      expect(listed.every((m) => m.guildId === guildId && m.status === 'active')).toBe(true);
      expect(await repository.listActive(guildId, 2)).toHaveLength(2);
      expect(await repository.listActive('100000000000000044', 10)).toEqual([]);
    });

    it("counts a guild's active meetings, and those of one host", async () => {
      const guildId = '100000000000000045';
      const hostId = '300000000000000045';
      await repository.insert(aMeeting({ guildId, hostId }));
      await repository.insert(aMeeting({ guildId, hostId }));
      await repository.insert(aMeeting({ guildId }));
      await repository.insert(
        aMeeting({ guildId, hostId, status: 'ended', endedAt: new Date(), endedBy: 'x' }),
      );
      await repository.insert(aMeeting({ guildId: '100000000000000046', hostId }));
      expect(await repository.countActive(guildId)).toBe(3);
      expect(await repository.countActive(guildId, hostId)).toBe(2);
      expect(await repository.countActive(guildId, '300000000000000099')).toBe(0);
    });

    it('ends an active meeting once: the second writer gets null', async () => {
      const meeting = aMeeting();
      await repository.insert(meeting);
      const endedAt = new Date(Date.UTC(2025, 0, 1, 11));
      const [a, b] = await Promise.all([
        repository.markEnded(meeting.id, { endedAt, endedBy: 'first' }),
        repository.markEnded(meeting.id, { endedAt, endedBy: 'second' }),
      ]);
      const winners = [a, b].filter((x) => x !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toEqual({ ...meeting, status: 'ended', endedAt, endedBy: winners[0]!.endedBy });
      expect(await repository.findById(meeting.id)).toEqual(winners[0]);
      expect(await repository.markEnded('does-not-exist', { endedAt, endedBy: 'x' })).toBeNull();
    });

    it('records the meeting message only within its guild', async () => {
      const meeting = aMeeting({ channelId: null });
      await repository.insert(meeting);
      const ref = { channelId: '200000000000000005', messageId: '400000000000000005' };
      expect(await repository.setMessage('100000000000000009', meeting.id, ref)).toBe(false);
      expect(await repository.findById(meeting.id)).toMatchObject({ channelId: null, messageId: null });
      expect(await repository.setMessage(meeting.guildId, meeting.id, ref)).toBe(true);
      expect(await repository.findById(meeting.id)).toMatchObject(ref);
      expect(await repository.setMessage(meeting.guildId, 'does-not-exist', ref)).toBe(false);
    });
  });
}
