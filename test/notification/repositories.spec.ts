import mongoose from 'mongoose';
import {
  InMemoryMeetingDirectory,
  InMemoryNotificationRepository,
  InMemoryWebhookEventRepository,
  MongoMeetingDirectory,
  MongoNotificationRepository,
  MongoWebhookEventRepository,
} from '../../src/modules/notification';
import { meetingDirectoryContract } from '../contracts/notification-meeting-directory.contract';
import { notificationRepositoryContract } from '../contracts/notification.contract';
import { webhookEventRepositoryContract } from '../contracts/webhook-event.contract';

const noop = async () => undefined;
notificationRepositoryContract('memory', async () => ({
  repository: new InMemoryNotificationRepository(),
  close: noop,
}));
webhookEventRepositoryContract('memory', async () => ({
  repository: new InMemoryWebhookEventRepository(),
  close: noop,
}));
meetingDirectoryContract('memory', async () => ({ directory: new InMemoryMeetingDirectory(), close: noop }));

const MONGODB_URI = process.env.MONGODB_URI;
if (MONGODB_URI) {
  // One throw-away database per run, dropped afterwards.
  const dbName = `kd_notification_test_${process.pid}_${Date.now()}`;
  const connect = async () => {
    const connection = await mongoose
      .createConnection(MONGODB_URI, { serverSelectionTimeoutMS: 5_000, dbName })
      .asPromise();
    return { connection, close: async () => connection.close() };
  };
  notificationRepositoryContract('mongo', async () => {
    const { connection, close } = await connect();
    const repository = new MongoNotificationRepository(connection);
    await connection.syncIndexes();
    return { repository, close: async () => (await connection.dropDatabase(), close()) };
  });
  webhookEventRepositoryContract('mongo', async () => {
    const { connection, close } = await connect();
    const repository = new MongoWebhookEventRepository(connection);
    await connection.syncIndexes();
    return { repository, close };
  });
  meetingDirectoryContract('mongo', async () => {
    const { connection, close } = await connect();
    const directory = new MongoMeetingDirectory(connection);
    await connection.syncIndexes();
    return { directory, close };
  });
} else {
  describe.skip('notification repository contracts: mongo (MONGODB_URI is unset; MongoDB cannot be installed on the build machines)', () => {
    it('runs when MONGODB_URI points at a MongoDB server', () => undefined);
  });
}

describe('in-memory stores stay bounded', () => {
  it('forget the oldest finished notifications and the oldest events beyond their capacity', async () => {
    const notifications = new InMemoryNotificationRepository(2);
    const base = {
      guildId: '1',
      type: 'meeting_start' as const,
      meetingId: null,
      channelRef: null,
      channelId: null,
      content: 'c',
      allowMentions: false,
      source: 'domain' as const,
      sourceEventId: null,
      attempts: 0,
      lastError: null,
      messageId: null,
      leaseUntil: null,
      nextAttemptAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      sentAt: null,
    };
    await notifications.createIfAbsent({ ...base, id: 'a'.repeat(24), status: 'sent' });
    await notifications.createIfAbsent({ ...base, id: 'b'.repeat(24), status: 'pending' });
    await notifications.createIfAbsent({ ...base, id: 'c'.repeat(24), status: 'pending' });
    expect(await notifications.get('a'.repeat(24))).toBeNull();
    expect(await notifications.get('b'.repeat(24))).not.toBeNull();
    const events = new InMemoryWebhookEventRepository(1);
    const e = {
      jobId: null,
      receivedAt: new Date(),
      format: 'empty' as const,
      eventType: null,
      eventObjectType: null,
      objectType: null,
      templateSystemName: null,
      mapping: { kind: 'unmapped' as const, reason: 'x' },
      status: 'received' as const,
      outcome: null,
      attempts: 0,
      processedAt: null,
    };
    await events.insertIfAbsent({ ...e, id: 'job-1' });
    await events.insertIfAbsent({ ...e, id: 'job-2' });
    expect(await events.count()).toBe(1);
  });
});
