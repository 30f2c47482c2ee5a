import { Logger } from '@nestjs/common';
import { ScriptedDiscord, configWith, testMetrics } from '../../../test/notification/support/unit-helpers';
import { NO_CHANNEL_REASON, NO_TOKEN_REASON, NotificationService, NotifyInput } from './notification.service';
import { InMemoryNotificationRepository } from './persistence/memory-notification.repository';
import { DeliveryQueue, QueueJob } from './queue/delivery-queue.port';

beforeAll(() => Logger.overrideLogger(false));

class RecordingQueue extends DeliveryQueue {
  readonly kind = 'memory' as const;
  readonly jobs: QueueJob[] = [];
  async enqueue(job: QueueJob) {
    this.jobs.push(job);
  }
  start() {}
  async depth() {
    return this.jobs.length;
  }
  async check() {
    return {};
  }
  async close() {}
}

const input = (overrides: Partial<NotifyInput> = {}): NotifyInput => ({
  type: 'meeting_start',
  dedupeKey: 'meeting_start:Abc123XYZ9',
  guildId: '111111111111111111',
  meetingId: 'Abc123XYZ9',
  meetingChannelId: '222222222222222222',
  values: { 'meeting.title': 'Standup @everyone', 'meeting.type': 'meeting', 'host.name': 'Ann' },
  source: 'domain',
  ...overrides,
});

function setup(config = configWith(), discord = new ScriptedDiscord()) {
  const repository = new InMemoryNotificationRepository();
  const queue = new RecordingQueue();
  const service = new NotificationService(config, repository, queue, discord, testMetrics());
  return { repository, queue, service };
}

describe('NotificationService', () => {
  it('stores the rendered, escaped notification for the meeting channel and queues it once', async () => {
    const { service, queue, repository } = setup();
    const n = await service.notify(input());
    expect(n).toMatchObject({
      status: 'pending',
      channelRef: '222222222222222222',
      allowMentions: false,
      content: '📅 **Standup @\u200beveryone** (meeting) was started by Ann.',
    });
    await service.notify(input());
    expect(queue.jobs).toHaveLength(2); // the repeat re-enqueues the same job id (collapsed by the queue)
    expect(new Set(queue.jobs.map((j) => j.id)).size).toBe(1);
    expect((await repository.listByGuild('111111111111111111', { limit: 10 })).items).toHaveLength(1);
  });

  it('never lets a list of names ping, even where the guild allows mentions; keeps the attachment', async () => {
    const { service } = setup(configWith({ allowMentions: true }));
    expect((await service.notify(input()))?.allowMentions).toBe(true);
    const attachment = { filename: 'attendance.csv', content: '"member_id"\r\n' };
    const n = await service.notify(
      input({
        type: 'attendance',
        dedupeKey: 'attendance:Abc123XYZ9',
        values: { 'attendance.members': '2 members', 'attendance.names': '@everyone, Bob' },
        neverMention: true,
        attachment,
      }),
    );
    expect(n).toMatchObject({ allowMentions: false, attachment });
    expect(n?.content).toContain('@\u200beveryone, Bob');
  });

  it('skips attendance when the guild switches the type off', async () => {
    const { service, queue } = setup(
      configWith({
        types: {
          meeting_start: true,
          meeting_end: true,
          user_join: true,
          recording_ready: true,
          meeting_share: true,
          attendance: false,
        },
      }),
    );
    expect(await service.notify(input({ type: 'attendance', dedupeKey: 'attendance:x' }))).toBeNull();
    expect(queue.jobs).toHaveLength(0);
  });

  it('routes to the configured channel for the type, else the configured default', async () => {
    const config = configWith({ channels: { default: '#general', meeting_end: '333333333333333333' } });
    const { service } = setup(config);
    expect((await service.notify(input()))?.channelRef).toBe('#general');
    expect((await service.notify(input({ type: 'meeting_end', dedupeKey: 'e' })))?.channelRef).toBe(
      '333333333333333333',
    );
  });

  it('skips (without storing) disabled guilds and types', async () => {
    const off = setup(configWith({ enabled: false }));
    expect(await off.service.notify(input())).toBeNull();
    const typeOff = setup(
      configWith({
        types: {
          meeting_start: false,
          meeting_end: true,
          user_join: true,
          recording_ready: true,
          meeting_share: true,
          attendance: true,
        },
      }),
    );
    expect(await typeOff.service.notify(input())).toBeNull();
    expect(off.queue.jobs.length + typeOff.queue.jobs.length).toBe(0);
  });

  it('records a skip with the reason when there is no token or no channel', async () => {
    const noToken = setup(configWith(), new ScriptedDiscord(false));
    expect(await noToken.service.notify(input())).toMatchObject({
      status: 'skipped',
      lastError: NO_TOKEN_REASON,
    });
    const noChannel = setup();
    expect(await noChannel.service.notify(input({ meetingChannelId: null }))).toMatchObject({
      status: 'skipped',
      lastError: NO_CHANNEL_REASON,
    });
    expect(noToken.queue.jobs.length + noChannel.queue.jobs.length).toBe(0);
  });

  it('lets mentions through only when the guild allows them', async () => {
    const { service } = setup(configWith({ allowMentions: true }));
    expect((await service.notify(input()))?.allowMentions).toBe(true);
  });
});
