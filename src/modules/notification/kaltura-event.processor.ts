import { Inject, Injectable, Logger } from '@nestjs/common';
import { recordingOwnerOf, sameOwner } from '../kaltura';
import { MEETING_ID_PATTERN, MeetingsService } from '../meetings';
import type { KalturaEventMapping } from './domain/kaltura-event.types';
import { reviveWebhookEvent } from './domain/record-snapshots';
import type { WebhookEventRecord } from './domain/notification.types';
import { NOTIFICATION_OPTIONS, NotificationOptions } from './notification.options';
import { NotificationMetrics } from './notification.metrics';
import { MeetingDirectory } from './persistence/meeting-directory.repository';
import { WebhookEventRepository } from './persistence/webhook-event.repository';
import { DropJobError } from './queue/delivery-queue.port';
import { RecordingAnnouncer } from './recording-announcer.service';

type Result = { status: 'processed' | 'ignored'; outcome: string };

/**
 * Acts on a stored Kaltura event (a queue job, so it survives restarts and is retried): a ready recording
 * becomes a `recording_ready` notification for its meeting (matched on the admin tags and partner data Kaltura
 * copied from the meeting's template entry); a cancelled or deleted schedule event or room ends
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
    private readonly recordings: RecordingAnnouncer,
    private readonly metrics: NotificationMetrics,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
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

  /**
   * A ready entry is announced when its admin tags / partner data (copied by Kaltura from the meeting's template
   * entry) name a meeting this service knows, in the same guild. Everything else is ignored with the reason.
   */
  private async recordingReady(
    event: WebhookEventRecord,
    mapping: Extract<KalturaEventMapping, { kind: 'recording_ready' }>,
  ): Promise<Result> {
    const match = recordingOwnerOf({ adminTags: mapping.adminTags, partnerData: mapping.partnerData });
    if (!match.owner) return { status: 'ignored', outcome: `foreign entry: ${match.reason}` };
    const ref = MEETING_ID_PATTERN.test(match.owner.meetingId)
      ? await this.directory.byMeetingId(match.owner.meetingId)
      : null;
    if (!ref) return { status: 'ignored', outcome: 'recording of no known meeting' };
    // The tags are the partner's to edit: a guild id that is not the meeting's own is not trusted (tenant check).
    if (!sameOwner(match.owner, { guildId: ref.guildId, meetingId: ref.meetingId })) {
      return { status: 'ignored', outcome: "recording names another guild than its meeting's" };
    }
    const notification = await this.recordings.announce(
      ref,
      { entryId: mapping.entryId, name: mapping.name, durationSeconds: mapping.durationSeconds },
      { sourceEventId: event.id, at: event.receivedAt },
    );
    return { status: 'processed', outcome: notification ? 'notified' : 'switched off by the guild' };
  }
}
