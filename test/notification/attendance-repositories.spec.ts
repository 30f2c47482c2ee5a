import mongoose from 'mongoose';
import { InMemoryAttendanceRepository, MongoAttendanceRepository } from '../../src/modules/notification';
import { attendanceRepositoryContract } from '../contracts/attendance.contract';

attendanceRepositoryContract('memory', async (cap) => ({
  repository: new InMemoryAttendanceRepository(cap),
  close: async () => undefined,
}));

const MONGODB_URI = process.env.MONGODB_URI;
if (MONGODB_URI) {
  attendanceRepositoryContract('mongo', async (cap) => {
    // One throw-away database per run, dropped afterwards.
    const connection = await mongoose
      .createConnection(MONGODB_URI, {
        serverSelectionTimeoutMS: 5_000,
        dbName: `kd_attendance_test_${process.pid}_${Date.now()}`,
      })
      .asPromise();
    const repository = new MongoAttendanceRepository(connection, cap);
    await connection.syncIndexes();
    return { repository, close: async () => (await connection.dropDatabase(), connection.close()) };
  });
} else {
  describe.skip('attendance repository contract: mongo (MONGODB_URI is unset; MongoDB cannot be installed on the build machines)', () => {
    it('runs when MONGODB_URI points at a MongoDB server', () => undefined);
  });
}

describe('in-memory attendance stays bounded', () => {
  it('forgets the oldest meeting past its meeting capacity', async () => {
    const repository = new InMemoryAttendanceRepository(10, 2);
    const at = new Date();
    for (const meetingId of ['m1', 'm2', 'm3'])
      await repository.record({
        meetingId,
        guildId: 'g',
        memberId: 'u',
        displayName: 'U',
        role: 'viewer',
        at,
      });
    expect(await repository.count('m1')).toBe(0);
    expect(await repository.count('m2')).toBe(1);
    expect(await repository.count('m3')).toBe(1);
  });
});
