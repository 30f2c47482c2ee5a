import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventBus } from '../../platform/events';
import { Settings } from '../../platform/settings';
import { MEETING_ID_PATTERN, MeetingsService } from '../meetings';
import type { KalturaEventMapping } from './domain/kaltura-event.types';
import { reviveWebhookEvent } from './domain/record-snapshots';
import type { MeetingRef, WebhookEventRecord } from './domain/notification.types';
import { meetingValues } from './meeting-events.listener';
import { NOTIFICATION_OPTIONS, NotificationOptions } from './notification.options';
import { NotificationMetrics } from './notification.metrics';
import { NotificationService } from './notification.service';
import { MeetingDirectory } from './persistence/meeting-directory.repository';
import { WebhookEventRepository } from './persistence/webhook-event.repository';
import { DropJobError } from './queue/delivery-queue.port';

type Result = { status: 'processed' | 'ignored'; outcome: string };

const RESOURCE_TAG = /^(?:resource|resourceid|scheduleresourceid):(\d{1,15})$/i;
const EVENT_TAG = /^(?:event|eventid|scheduleeventid):(\d{1,15})$/i;

/**
 * Acts on a stored Kaltura event (a queue job, so it survives restarts and is retried): a ready recording
 * becomes a `recording_ready` notification for its meeting; a cancelled or deleted schedule event or room ends
 * the meeting (`MeetingsService.endedExternally`, which emits `meeting.ended` → `meeting_end`). Events that
 * lead nowhere are marked `ignored` with the reason.
 */
@Injectable()
export class KalturaEventProcessor {
  private readonly log = new Logger('notification-webhook');

  constructor(
    private readonly events: WebhookEventRepository,
    private readonly directory: MeetingDirectory,
    private readonly meetings: MeetingsService,
    private readonly notifications: NotificationService,
    private readonly metrics: NotificationMetrics,
    private readonly settings: Settings,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
    @Optional() private readonly bus?: EventBus,
  ) {}

  /** `copy`: the job's copy of the event, used only when this store has never heard of it. */
  async process(id: string, copy?: unknown): Promise<void> {
    let stored = await this.events.get(id);
    if (!stored && copy !== undefined) {
      const revived = reviveWebhookEvent(copy);
      if (revived?.id === id) stored = (await this.events.insertIfAbsent(revived)).event;
    }
    if (!stored || stored.status !== 'received') return;
    const event = (await this.events.recordAttempt(id)) ?? stored;
    let result: Result;
    try {
      result = await this.apply(event);
    } catch (err) {
      if (event.attempts < this.options.eventAttempts) throw err;
      const outcome = `gave up after ${event.attempts} attempts: ${err instanceof Error ? err.message : String(err)}`;
      await this.events.complete(id, { status: 'failed', outcome: outcome.slice(0, 300), at: new Date() });
      this.metrics.webhook(event.mapping.kind, 'failed');
      this.log.error({ err, eventId: id }, 'Kaltura event processing failed');
      throw new DropJobError(outcome);
    }
    if (await this.events.complete(id, { ...result, at: new Date() })) {
      this.metrics.webhook(event.mapping.kind, result.status);
      // An operator asking "why did nothing happen for this event?" finds the answer without the database.
      if (result.status === 'ignored') {
        this.log.log(
          { eventId: id, kind: event.mapping.kind, eventType: event.eventType, reason: result.outcome },
          `Kaltura event ignored: ${result.outcome}`,
        );
      }
    }
  }

  private async apply(event: WebhookEventRecord): Promise<Result> {
    const mapping = event.mapping;
    switch (mapping.kind) {
      case 'unmapped':
        return { status: 'ignored', outcome: mapping.reason };
      case 'recording_ready':
        return this.recordingReady(event, mapping);
      case 'schedule_event_ended': {
        const fromRef =
          mapping.referenceId && MEETING_ID_PATTERN.test(mapping.referenceId) ? mapping.referenceId : null;
        const meetingId =
          fromRef ??
          (mapping.eventId !== null ? (await this.directory.byEventId(mapping.eventId))?.meetingId : null);
        return this.endMeeting(meetingId ?? null);
      }
      case 'schedule_resource_deleted':
        return this.endMeeting((await this.directory.byResourceId(mapping.resourceId))?.meetingId ?? null);
    }
  }

  private async endMeeting(meetingId: string | null): Promise<Result> {
    if (!meetingId) return { status: 'ignored', outcome: 'not a meeting of this service' };
    const meeting = await this.meetings.endedExternally(meetingId);
    return meeting
      ? { status: 'processed', outcome: 'meeting ended' }
      : { status: 'ignored', outcome: 'unknown meeting' };
  }

  private async recordingReady(
    event: WebhookEventRecord,
    mapping: Extract<KalturaEventMapping, { kind: 'recording_ready' }>,
  ): Promise<Result> {
    const ref = await this.meetingForEntry(mapping);
    if (!ref) return { status: 'ignored', outcome: 'recording of no known meeting' };
    const url =
      mapping.url ??
      `${this.settings.kaltura.kafUrl}/browseandembed/index/media/entryid/${encodeURIComponent(mapping.entryId)}`;
    const notification = await this.notifications.notify({
      type: 'recording_ready',
      dedupeKey: `recording_ready:${mapping.entryId}`,
      guildId: ref.guildId,
      meetingId: ref.meetingId,
      meetingChannelId: ref.channelId,
      values: { ...meetingValues(ref), 'recording.url': url, 'recording.name': mapping.name ?? ref.title },
      source: 'kaltura',
      sourceEventId: event.id,
      at: event.receivedAt,
    });
    void this.bus?.publish({
      type: 'recording.ready',
      version: 1,
      guildId: ref.guildId,
      audience: 'viewer',
      data: { meetingId: ref.meetingId, entryId: mapping.entryId, name: mapping.name ?? ref.title },
    });
    return { status: 'processed', outcome: notification ? 'notified' : 'switched off by the guild' };
  }

  /** The meeting an entry belongs to: its `referenceId`, or a tag naming a meeting, room or schedule event. */
  private async meetingForEntry(
    mapping: Extract<KalturaEventMapping, { kind: 'recording_ready' }>,
  ): Promise<MeetingRef | null> {
    if (mapping.referenceId && MEETING_ID_PATTERN.test(mapping.referenceId)) {
      const ref = await this.directory.byMeetingId(mapping.referenceId);
      if (ref) return ref;
    }
    for (const tag of mapping.tags) {
      const resource = RESOURCE_TAG.exec(tag);
      const scheduled = EVENT_TAG.exec(tag);
      const ref = resource
        ? await this.directory.byResourceId(Number(resource[1]))
        : scheduled
          ? await this.directory.byEventId(Number(scheduled[1]))
          : MEETING_ID_PATTERN.test(tag)
            ? await this.directory.byMeetingId(tag)
            : null;
      if (ref) return ref;
    }
    return null;
  }
}
