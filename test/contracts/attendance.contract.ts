import { randomBytes } from 'node:crypto';
import type { AttendanceRepository, LinkTaken } from '../../src/modules/notification';

/** What every attendance store must do: one entry per member and meeting, first link first, bounded. */
export function attendanceRepositoryContract(
  name: string,
  make: (cap: number) => Promise<{ repository: AttendanceRepository; close: () => Promise<void> }>,
): void {
  describe(`attendance repository contract: ${name}`, () => {
    const CAP = 3;
    let repository: AttendanceRepository;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ repository, close } = await make(CAP));
    });
    afterAll(() => close());

    const second = (n: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, n));
    const link = (
      meetingId: string,
      memberId: string,
      at: Date,
      extra: Partial<LinkTaken> = {},
    ): LinkTaken => ({
      meetingId,
      guildId: '111111111111111111',
      memberId,
      displayName: `Member ${memberId}`,
      role: 'viewer',
      at,
      ...extra,
    });

    it('keeps one entry per member: first and last link, latest name and role, count', async () => {
      const meetingId = randomBytes(5).toString('hex');
      expect(await repository.record(link(meetingId, '200000000000000002', second(5)))).toBe(true);
      expect(await repository.record(link(meetingId, '200000000000000001', second(1)))).toBe(true);
      expect(
        await repository.record(
          link(meetingId, '200000000000000002', second(9), { displayName: 'Renamed ✓', role: 'moderator' }),
        ),
      ).toBe(true);
      expect(await repository.count(meetingId)).toBe(2);
      expect(await repository.list(meetingId)).toEqual([
        {
          meetingId,
          guildId: '111111111111111111',
          memberId: '200000000000000001',
          displayName: 'Member 200000000000000001',
          role: 'viewer',
          firstAt: second(1),
          lastAt: second(1),
          count: 1,
        },
        {
          meetingId,
          guildId: '111111111111111111',
          memberId: '200000000000000002',
          displayName: 'Renamed ✓',
          role: 'moderator',
          firstAt: second(5),
          lastAt: second(9),
          count: 2,
        },
      ]);
    });

    it('keeps meetings apart and knows nothing of an unknown one', async () => {
      const a = randomBytes(5).toString('hex');
      const b = randomBytes(5).toString('hex');
      await repository.record(link(a, '300000000000000001', second(1)));
      expect(await repository.list(b)).toEqual([]);
      expect(await repository.count(b)).toBe(0);
      expect(await repository.count(a)).toBe(1);
    });

    it('refuses new members past the cap but still updates listed ones', async () => {
      const meetingId = randomBytes(5).toString('hex');
      for (let i = 1; i <= CAP; i++)
        expect(await repository.record(link(meetingId, `40000000000000000${i}`, second(i)))).toBe(true);
      expect(await repository.record(link(meetingId, '499999999999999999', second(30)))).toBe(false);
      expect(await repository.record(link(meetingId, '400000000000000001', second(31)))).toBe(true);
      const list = await repository.list(meetingId);
      expect(list.map((a) => a.memberId)).toEqual([
        '400000000000000001',
        '400000000000000002',
        '400000000000000003',
      ]);
      expect(list[0]).toMatchObject({ count: 2, lastAt: second(31) });
    });

    it('never moves the last link back in time (out-of-order writes)', async () => {
      const meetingId = randomBytes(5).toString('hex');
      await repository.record(link(meetingId, '500000000000000001', second(10)));
      await repository.record(link(meetingId, '500000000000000001', second(4)));
      expect((await repository.list(meetingId))[0]).toMatchObject({ lastAt: second(10), count: 2 });
    });
  });
}
