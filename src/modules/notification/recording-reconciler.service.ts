import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { KalturaPort, KalturaUnavailableError } from '../kaltura';
import { NOTIFICATION_OPTIONS, NotificationOptions } from './notification.options';
import { MeetingDirectory } from './persistence/meeting-directory.repository';
import { RecordingAnnouncer } from './recording-announcer.service';

/** Meetings looked at per sweep; the rest wait for the next one (oldest end first). */
const SWEEP_BATCH = 200;

/**
 * Covers a lost entry-ready webhook: for `recordings.windowMs` after a meeting ends, every
 * `recordings.intervalMs` it asks Kaltura for the meeting's ready recordings (`media.list` with `adminTagsLike`,
 * `KalturaPort.findRecordings`) and posts each one through `RecordingAnnouncer`, which posts an entry once
 * whether the webhook, the reconciler or both find it. Every replica sweeps (no leader): the cost is one
 * `media.list` per recently ended meeting per interval and replica, and nothing is ever found twice.
 */
@Injectable()
export class RecordingReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('notification-recordings');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly directory: MeetingDirectory,
    private readonly kaltura: KalturaPort,
    private readonly announcer: RecordingAnnouncer,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs } = this.options.recordings;
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      // A slow Kaltura must not pile sweeps up.
      this.running ??= this.sweep().finally(() => (this.running = null));
    }, intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * One pass over the meetings that ended within the window before `now` (the clock is the caller's, so tests
   * need no sleeping). Never throws: a meeting Kaltura cannot answer for is tried again next time.
   */
  async sweep(now = new Date()): Promise<{ meetings: number; found: number; failed: number }> {
    const since = new Date(now.getTime() - this.options.recordings.windowMs);
    let meetings: Awaited<ReturnType<MeetingDirectory['endedSince']>>;
    try {
      meetings = await this.directory.endedSince(since, SWEEP_BATCH);
    } catch (err) {
      this.log.warn({ err }, 'Recording sweep could not read the meeting directory');
      return { meetings: 0, found: 0, failed: 1 };
    }
    let found = 0;
    let failed = 0;
    for (const ref of meetings) {
      if (ref.endedAt && ref.endedAt.getTime() > now.getTime()) continue;
      try {
        const recordings = await this.kaltura.findRecordings({
          guildId: ref.guildId,
          meetingId: ref.meetingId,
        });
        for (const recording of recordings) {
          const notification = await this.announcer.announce(ref, recording);
          if (notification) found++;
        }
      } catch (err) {
        failed++;
        this.log.warn({ err, meetingId: ref.meetingId }, 'Recording sweep could not look up a meeting');
        // Kaltura down (breaker open, rate limited): the other meetings would fail alike; try again next sweep.
        if (err instanceof KalturaUnavailableError) break;
      }
    }
    return { meetings: meetings.length, found, failed };
  }
}
