import { Logger } from '@nestjs/common';
import {
  configWith,
  ScriptedDiscord,
  fastOptions,
  testMetrics,
} from '../../../test/notification/support/unit-helpers';
import type { MeetingsService } from '../meetings';
import type { Settings } from '../../platform/settings';
import type { KalturaEventMapping } from './domain/kaltura-event.types';
import type { MeetingRef, WebhookEventRecord } from './domain/notification.types';
import { KalturaEventProcessor } from './kaltura-event.processor';
import { NotificationService } from './notification.service';
import { RecordingAnnouncer } from './recording-announcer.service';
import { InMemoryMeetingDirectory } from './persistence/memory-meeting-directory.repository';
import { InMemoryNotificationRepository } from './persistence/memory-notification.repository';
import { InMemoryWebhookEventRepository } from './persistence/memory-webhook-event.repository';
import { DeliveryQueue, DropJobError } from './queue/delivery-queue.port';

beforeAll(() => Logger.overrideLogger(false));

const MEETING = 'Abc123XYZ9';
const ref: MeetingRef = {
  meetingId: MEETING,
  guildId: '111111111111111111',
  channelId: '222222222222222222',
  title: 'Weekly',
  type: 'meeting',
  description: null,
  hostId: '333333333333333333',
  hostName: 'Ann',
  resourceId: 501,
  eventId: 601,
  createdAt: new Date(),
  endedAt: null,
};

const event = (
  mapping: KalturaEventMapping,
  id = `job-${Math.random().toString().slice(2, 12)}`,
): WebhookEventRecord => ({
  id,
  jobId: null,
  receivedAt: new Date(),
  format: 'json',
  eventType: '3',
  eventObjectType: null,
  objectType: null,
  templateSystemName: null,
  mapping,
  status: 'received',
  outcome: null,
  attempts: 0,
  processedAt: null,
});

const recording = (
  over: Partial<Extract<KalturaEventMapping, { kind: 'recording_ready' }>> = {},
): KalturaEventMapping => ({
  kind: 'recording_ready',
  entryId: '0_rec',
  name: null,
  adminTags: `kd,kd-guild:${ref.guildId},kd-meeting:${MEETING}`,
  partnerData: JSON.stringify({ guildId: ref.guildId, meetingId: MEETING }),
  durationSeconds: 95,
  ...over,
});

async function setup(
  ended: (id: string) => Promise<unknown> = async (id) => {
    throw new Error(`unplanned endedExternally(${id})`);
  },
) {
  const events = new InMemoryWebhookEventRepository();
  const directory = new InMemoryMeetingDirectory();
  await directory.upsert(ref);
  const notifications = new InMemoryNotificationRepository();
  const queued: string[] = [];
  const queue = {
    enqueue: async (job: { id: string }) => void queued.push(job.id),
  } as unknown as DeliveryQueue;
  const service = new NotificationService(
    configWith(),
    notifications,
    queue,
    new ScriptedDiscord(),
    testMetrics(),
  );
  const meetings = { endedExternally: jest.fn(ended) } as unknown as MeetingsService & {
    endedExternally: jest.Mock;
  };
  const settings = { kaltura: { kafUrl: 'https://1.kaf.example' } } as Settings;
  const processor = new KalturaEventProcessor(
    events,
    directory,
    meetings,
    new RecordingAnnouncer(service, settings, directory),
    testMetrics(),
    fastOptions({ eventAttempts: 2 }),
  );
  const run = async (e: WebhookEventRecord) => {
    await events.insertIfAbsent(e);
    await processor.process(e.id);
    return events.get(e.id);
  };
  return { processor, events, notifications, meetings, queued, run };
}

describe('KalturaEventProcessor', () => {
  it('ignores unmapped events with their reason', async () => {
    const { run } = await setup();
    expect(await run(event({ kind: 'unmapped', reason: 'empty body' }))).toMatchObject({
      status: 'ignored',
      outcome: 'empty body',
    });
  });

  it("notifies a recording matched on the admin tags and partner data it copied from the meeting's template", async () => {
    const { run, notifications, queued } = await setup();
    expect(await run(event(recording()))).toMatchObject({
      status: 'processed',
      outcome: 'notified',
      attempts: 1,
    });
    const [n] = (await notifications.listByGuild(ref.guildId, { limit: 5 })).items;
    expect(n).toMatchObject({
      type: 'recording_ready',
      meetingId: MEETING,
      source: 'kaltura',
      channelRef: ref.channelId,
    });
    expect(n.content).toBe(
      '🎬 The recording of **Weekly** is ready: https://1.kaf.example/browseandembed/index/media/entryid/0_rec',
    );
    expect(queued).toEqual([n.id]);
  });

  it('matches on either source alone: admin tags, or partner data (a webhook template that sends one of them)', async () => {
    const { run } = await setup();
    const byTags = await run(event(recording({ entryId: '0_a', partnerData: null })));
    const byData = await run(event(recording({ entryId: '0_b', adminTags: null })));
    expect([byTags?.outcome, byData?.outcome]).toEqual(['notified', 'notified']);
  });

  it.each([
    [
      'no tags at all',
      { adminTags: null, partnerData: null },
      /^foreign entry: not an entry of this service/,
    ],
    [
      "another integration's tags",
      { adminTags: 'zoom,meeting:Abc123XYZ9', partnerData: 'x' },
      /^foreign entry/,
    ],
    [
      'tags and partner data that disagree',
      { partnerData: JSON.stringify({ guildId: '111111111111111111', meetingId: 'Zzz999Zzz9' }) },
      /^foreign entry: admin tags and partner data name different meetings/,
    ],
    ['two meetings in the tags', { adminTags: 'kd,kd-guild:1,kd-meeting:a,kd-meeting:b' }, /^foreign entry/],
    [
      "another guild's id on this meeting",
      { adminTags: `kd,kd-guild:999,kd-meeting:${MEETING}`, partnerData: null },
      /^recording names another guild/,
    ],
    [
      'an unknown meeting',
      { adminTags: 'kd,kd-guild:111111111111111111,kd-meeting:Zzz999Zzz9', partnerData: null },
      /^recording of no known meeting$/,
    ],
    [
      'a referenceId only (Kaltura never copies it)',
      { adminTags: null, partnerData: null },
      /^foreign entry/,
    ],
  ] as const)('ignores %s, with the reason', async (_what, over, outcome) => {
    const { run, notifications } = await setup();
    const stored = await run(event(recording(over)));
    expect(stored).toMatchObject({ status: 'ignored' });
    expect(stored?.outcome).toMatch(outcome);
    expect((await notifications.listByGuild(ref.guildId, { limit: 5 })).items).toEqual([]);
  });

  it('ends the meeting of a cancelled schedule event, by referenceId or by event id', async () => {
    const { run, meetings } = await setup(async () => ({ id: MEETING }));
    expect(
      await run(event({ kind: 'schedule_event_ended', eventId: null, referenceId: MEETING })),
    ).toMatchObject({ status: 'processed', outcome: 'meeting ended' });
    await run(event({ kind: 'schedule_event_ended', eventId: 601, referenceId: null }));
    await run(event({ kind: 'schedule_resource_deleted', resourceId: 501 }));
    expect(meetings.endedExternally.mock.calls).toEqual([[MEETING], [MEETING], [MEETING]]);
  });

  it('never asks the meetings module about schedule events of other applications', async () => {
    const { run, meetings } = await setup();
    expect(
      await run(event({ kind: 'schedule_event_ended', eventId: 999, referenceId: 'someone-else' })),
    ).toMatchObject({ status: 'ignored', outcome: 'not a meeting of this service' });
    expect(meetings.endedExternally).not.toHaveBeenCalled();
  });

  it('ignores an unknown meeting id', async () => {
    const { run } = await setup(async () => null);
    expect(
      await run(event({ kind: 'schedule_event_ended', eventId: null, referenceId: 'Zzz999Zzz9' })),
    ).toMatchObject({
      status: 'ignored',
      outcome: 'unknown meeting',
    });
  });

  it('retries a failing event, then marks it failed after its attempts', async () => {
    const { processor, events } = await setup(async () => {
      throw new Error('meetings storage down');
    });
    const e = event({ kind: 'schedule_event_ended', eventId: null, referenceId: MEETING });
    await events.insertIfAbsent(e);
    await expect(processor.process(e.id)).rejects.toThrow('meetings storage down');
    await expect(processor.process(e.id)).rejects.toBeInstanceOf(DropJobError);
    expect(await events.get(e.id)).toMatchObject({ status: 'failed', attempts: 2 });
    await processor.process(e.id); // finished: a late job does nothing
    expect(await events.get(e.id)).toMatchObject({ attempts: 2 });
  });

  it('processes an event its store has lost from the job copy', async () => {
    const { processor, events } = await setup();
    const e = event({ kind: 'unmapped', reason: 'x' }, 'job-424242');
    await processor.process(e.id, JSON.parse(JSON.stringify(e)));
    expect(await events.get(e.id)).toMatchObject({ status: 'ignored' });
  });
});
