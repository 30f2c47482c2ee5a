import { Logger } from '@nestjs/common';
import {
  KalturaUnavailableError,
  type KalturaPort,
  type KalturaRecording,
  type RecordingOwner,
} from '../kaltura';
import type { MeetingRef } from './domain/notification.types';
import { DEFAULT_NOTIFICATION_OPTIONS } from './notification.options';
import { InMemoryMeetingDirectory } from './persistence/memory-meeting-directory.repository';
import type { RecordingAnnouncer } from './recording-announcer.service';
import { RecordingReconciler } from './recording-reconciler.service';

beforeAll(() => Logger.overrideLogger(false));

const T = Date.UTC(2030, 0, 1);
const WINDOW = DEFAULT_NOTIFICATION_OPTIONS.recordings.windowMs;

const ref = (meetingId: string, endedAt: number | null): MeetingRef => ({
  meetingId,
  guildId: '111111111111111111',
  channelId: '222222222222222222',
  title: meetingId,
  type: 'meeting',
  description: null,
  hostId: '333333333333333333',
  hostName: 'Ann',
  resourceId: 1,
  eventId: 2,
  createdAt: new Date(T - 3_600_000),
  endedAt: endedAt === null ? null : new Date(endedAt),
});

async function setup(find: (owner: RecordingOwner) => Promise<KalturaRecording[]>) {
  const directory = new InMemoryMeetingDirectory();
  for (const r of [ref('Open000001', null), ref('Ended00001', T), ref('Ended00002', T + 60_000)]) {
    await directory.upsert(r);
  }
  const lookups: string[] = [];
  const kaltura = {
    findRecordings: async (owner: RecordingOwner) => {
      lookups.push(owner.meetingId);
      return find(owner);
    },
  } as unknown as KalturaPort;
  const announced: Array<[string, string]> = [];
  const announcer = {
    announce: async (r: MeetingRef, recording: KalturaRecording) => {
      announced.push([r.meetingId, recording.entryId]);
      return { id: 'n' };
    },
  } as unknown as RecordingAnnouncer;
  const reconciler = new RecordingReconciler(directory, kaltura, announcer, {
    ...DEFAULT_NOTIFICATION_OPTIONS,
    recordings: { windowMs: WINDOW, intervalMs: 0 },
  });
  return { reconciler, lookups, announced };
}

const recordingOf = (owner: RecordingOwner): KalturaRecording => ({
  entryId: `0_${owner.meetingId}`,
  name: owner.meetingId,
  durationSeconds: 60,
  owner,
});

describe('RecordingReconciler', () => {
  it('looks up only meetings that ended within the window before now (the clock is the caller’s)', async () => {
    const { reconciler, lookups, announced } = await setup(async (o) => [recordingOf(o)]);
    expect(await reconciler.sweep(new Date(T + 30_000))).toEqual({ meetings: 2, found: 1, failed: 0 });
    // Ended00002 ends after "now": not yet.
    expect(lookups).toEqual(['Ended00001']);
    expect(announced).toEqual([['Ended00001', '0_Ended00001']]);

    lookups.length = 0;
    await reconciler.sweep(new Date(T + WINDOW + 30_000));
    expect(lookups).toEqual(['Ended00002']);
    lookups.length = 0;
    await reconciler.sweep(new Date(T + WINDOW + 60_001));
    expect(lookups).toEqual([]);
  });

  it('goes on with the other meetings when Kaltura fails for one, and counts it', async () => {
    const { reconciler, announced } = await setup(async (o) => {
      if (o.meetingId === 'Ended00001') throw new Error('KALTURA_UNAVAILABLE');
      return [recordingOf(o)];
    });
    expect(await reconciler.sweep(new Date(T + 120_000))).toEqual({ meetings: 2, found: 1, failed: 1 });
    expect(announced).toEqual([['Ended00002', '0_Ended00002']]);
  });

  it('stops the sweep early while Kaltura is unavailable (no flood of failing calls)', async () => {
    const { reconciler, lookups, announced } = await setup(async () => {
      throw new KalturaUnavailableError('circuit_open');
    });
    expect(await reconciler.sweep(new Date(T + 120_000))).toEqual({ meetings: 2, found: 0, failed: 1 });
    expect(lookups).toHaveLength(1);
    expect(announced).toEqual([]);
  });

  it('starts no timer when the interval is 0', async () => {
    const { reconciler } = await setup(async () => []);
    const spy = jest.spyOn(global, 'setInterval');
    reconciler.onApplicationBootstrap();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    await reconciler.onModuleDestroy();
  });
});
