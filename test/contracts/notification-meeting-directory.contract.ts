import { randomBytes } from 'node:crypto';
import {
  RECORDINGS_PER_MEETING_MAX,
  type MeetingDirectory,
  type MeetingRef,
} from '../../src/modules/notification';

/** What every meeting-directory store must do: trace a meeting by its id, its room or its scheduled event. */
export function meetingDirectoryContract(
  name: string,
  make: () => Promise<{ directory: MeetingDirectory; close: () => Promise<void> }>,
): void {
  describe(`notification meeting directory contract: ${name}`, () => {
    let directory: MeetingDirectory;
    let close: () => Promise<void>;
    const n = () => randomBytes(4).readUInt32BE(0);

    beforeAll(async () => {
      ({ directory, close } = await make());
    });
    afterAll(() => close());

    const ref = (overrides: Partial<MeetingRef> = {}): MeetingRef => ({
      meetingId: randomBytes(5).toString('hex'),
      guildId: '111111111111111111',
      channelId: '222222222222222222',
      title: 'Title ✓',
      type: 'meeting',
      description: null,
      hostId: '333333333333333333',
      hostName: 'Host',
      resourceId: n(),
      eventId: n(),
      createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
      endedAt: null,
      ...overrides,
    });

    it('finds a meeting by id, room and scheduled event', async () => {
      const r = ref();
      await directory.upsert(r);
      expect(await directory.byMeetingId(r.meetingId)).toEqual(r);
      expect(await directory.byResourceId(r.resourceId!)).toEqual(r);
      expect(await directory.byEventId(r.eventId!)).toEqual(r);
      expect(await directory.byMeetingId('unknown')).toBeNull();
      expect(await directory.byResourceId(-1)).toBeNull();
    });

    it('replaces an entry on upsert and marks it ended', async () => {
      const r = ref();
      await directory.upsert(r);
      await directory.upsert({ ...r, title: 'Renamed', eventId: null });
      const endedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      await directory.markEnded(r.meetingId, endedAt);
      expect(await directory.byMeetingId(r.meetingId)).toEqual({
        ...r,
        title: 'Renamed',
        eventId: null,
        endedAt,
      });
      expect(await directory.byEventId(r.eventId!)).toBeNull();
    });

    it('lists the meetings ended since a time, oldest end first, bounded (the recording reconciler)', async () => {
      // Far in the future, so meetings of other tests in a shared store stay out of the window.
      const base = Date.UTC(2200, 0, 1) + n() * 1000;
      const at = (s: number) => new Date(base + s * 1000);
      const [early, late, later, open] = [ref(), ref(), ref(), ref()];
      for (const r of [early, late, later, open]) await directory.upsert(r);
      await directory.markEnded(early.meetingId, at(0));
      await directory.markEnded(later.meetingId, at(20));
      await directory.markEnded(late.meetingId, at(10));
      const ids = async (since: Date, limit: number) =>
        (await directory.endedSince(since, limit)).map((r) => r.meetingId);
      expect(await ids(at(5), 10)).toEqual([late.meetingId, later.meetingId]);
      expect(await ids(at(0), 2)).toEqual([early.meetingId, late.meetingId]);
      expect(await ids(at(21), 10)).toEqual([]);
      expect((await directory.endedSince(at(20), 1))[0]).toEqual({ ...later, endedAt: at(20) });
    });

    it('counts distinct recordings of a known meeting, kept across an upsert and bounded', async () => {
      const r = ref();
      await directory.upsert(r);
      await directory.addRecording(r.meetingId, '1_aaaa');
      await directory.addRecording(r.meetingId, '1_aaaa');
      await directory.addRecording(r.meetingId, '1_bbbb');
      await directory.upsert({ ...r, title: 'Renamed' });
      expect(await directory.recordingCount(r.meetingId)).toBe(2);
      expect(await directory.byMeetingId(r.meetingId)).toEqual({ ...r, title: 'Renamed' });
      for (let i = 0; i < RECORDINGS_PER_MEETING_MAX + 5; i++)
        await directory.addRecording(r.meetingId, `1_${i}`);
      expect(await directory.recordingCount(r.meetingId)).toBe(RECORDINGS_PER_MEETING_MAX);
      await directory.addRecording('unknown-meeting', '1_cccc');
      expect(await directory.recordingCount('unknown-meeting')).toBe(0);
    });

    it('prefers the newest meeting should a room id repeat', async () => {
      const resourceId = n();
      const older = ref({ resourceId, createdAt: new Date(Date.now() - 10_000) });
      const newer = ref({ resourceId });
      await directory.upsert(older);
      await directory.upsert(newer);
      expect((await directory.byResourceId(resourceId))?.meetingId).toBe(newer.meetingId);
    });
  });
}
