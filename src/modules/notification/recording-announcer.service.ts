import { Injectable, Optional } from '@nestjs/common';
import { EventBus } from '../../platform/events';
import { Settings } from '../../platform/settings';
import { formatDuration } from '../meetings';
import type { MeetingRef, NotificationRecord } from './domain/notification.types';
import { meetingValues } from './meeting-events.listener';
import { NotificationService } from './notification.service';
import { MeetingDirectory } from './persistence/meeting-directory.repository';

/** A ready recording as either path (entry-ready webhook, reconciler) knows it. */
export interface ReadyRecording {
  entryId: string;
  name: string | null;
  durationSeconds: number | null;
}

/**
 * Posts "recording ready" for a meeting, once per Kaltura entry whichever path finds it first, and however often:
 * the notification id derives from `recording_ready:<entryId>` (`NotificationService.notify` is idempotent on it),
 * and both paths render the same text, so the webhook and the reconciler can race without a second post.
 */
@Injectable()
export class RecordingAnnouncer {
  constructor(
    private readonly notifications: NotificationService,
    private readonly settings: Settings,
    private readonly directory: MeetingDirectory,
    @Optional() private readonly bus?: EventBus,
  ) {}

  /**
   * null when the guild's configuration switches recording notifications off. The `recording.ready` event goes
   * out either way (what happened, not what was posted); like every bus event it is at-least-once: the webhook and
   * the reconciler may both publish it for one entry, with the same `entryId`.
   */
  async announce(
    ref: MeetingRef,
    recording: ReadyRecording,
    cause: { sourceEventId?: string; at?: Date } = {},
  ): Promise<NotificationRecord | null> {
    // Counted whether or not the guild posts it (the meeting detail's `recordings`); idempotent per entry.
    await this.directory.addRecording(ref.meetingId, recording.entryId);
    const notification = await this.notifications.notify({
      type: 'recording_ready',
      dedupeKey: `recording_ready:${recording.entryId}`,
      guildId: ref.guildId,
      meetingId: ref.meetingId,
      meetingChannelId: ref.channelId,
      values: {
        ...meetingValues(ref),
        'recording.url': this.pageUrl(recording.entryId),
        'recording.name': recording.name || ref.title,
        'recording.duration':
          recording.durationSeconds === null
            ? 'unknown length'
            : formatDuration(recording.durationSeconds * 1000),
      },
      source: 'kaltura',
      ...(cause.sourceEventId ? { sourceEventId: cause.sourceEventId } : {}),
      ...(cause.at ? { at: cause.at } : {}),
    });
    void this.bus?.publish({
      type: 'recording.ready',
      version: 1,
      guildId: ref.guildId,
      audience: 'viewer',
      data: { meetingId: ref.meetingId, entryId: recording.entryId, name: recording.name || ref.title },
    });
    return notification;
  }

  /** The entry's page in the partner's KAF (MediaSpace-style browse-and-embed), which members can open. */
  private pageUrl(entryId: string): string {
    return `${this.settings.kaltura.kafUrl}/browseandembed/index/media/entryid/${encodeURIComponent(entryId)}`;
  }
}
