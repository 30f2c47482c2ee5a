import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { InMemoryMeetingRepository, MongoMeetingRepository } from '../../src/modules/meetings';
import { meetingRepositoryContract } from '../contracts/meeting-repository.contract';

meetingRepositoryContract('memory', async () => ({
  repository: new InMemoryMeetingRepository(),
  close: async () => undefined,
}));

const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  meetingRepositoryContract('mongo', async () => {
    // A database per run keeps parallel runs apart; it is dropped afterwards.
    const dbName = `kd_test_meetings_${randomBytes(4).toString('hex')}`;
    const connection = await mongoose.createConnection(mongoUri, { dbName }).asPromise();
    const repository = new MongoMeetingRepository(connection);
    await connection.model('Meeting').syncIndexes();
    return {
      repository,
      close: async () => {
        await connection.dropDatabase();
        await connection.close();
      },
    };
  });
} else {
  describe.skip('MeetingRepository contract: mongo (MONGODB_URI is unset; MongoDB cannot be installed on the build machines)', () => {
    it('runs only when MONGODB_URI is set: MongoDB cannot be installed on the build machines', () =>
      undefined);
  });
  // Say why in the output, not only in the test name.
  console.warn(
    'SKIPPED: MeetingRepository contract against MongoDB: MONGODB_URI is unset (MongoDB cannot be installed on the build machines).',
  );
}
