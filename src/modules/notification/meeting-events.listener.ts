import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  MEETING_EVENTS,
  Meeting,
  MeetingCreatedEvent,
  MeetingEndedEvent,
  MeetingJoinedEvent,
  formatDuration,
  meetingDurationMs,
} from '../meetings';
import type { MeetingRef } from './domain/notification.types';
import { NotificationService } from './notification.service';
import { MeetingDirectory } from './persistence/meeting-directory.repository';

/** Placeholder values every meeting notification shares. */
export function meetingValues(
  m: Pick<MeetingRef, 'meetingId' | 'title' | 'type' | 'description' | 'hostName'>,
) {
  return {
    'meeting.id': m.meetingId,
    'meeting.title': m.title,
    'meeting.type': m.type,
    'meeting.description': m.description,
    'host.name': m.hostName,
  };
}

function refOf(meeting: Meeting): MeetingRef {
  return {
    meetingId: meeting.id,
    guildId: meeting.guildId,
    channelId: meeting.channelId,
    title: meeting.title,
    type: meeting.type,
    description: meeting.description,
    hostId: meeting.hostId,
    hostName: meeting.hostName,
    resourceId: meeting.kaltura.resourceId ?? null,
    eventId: meeting.kaltura.eventId ?? null,
    createdAt: meeting.createdAt,
    endedAt: meeting.endedAt,
  };
}

/**
 * The project's own meeting events → notifications: created → `meeting_start`, joined → `user_join` (once per
 * member and meeting), ended → `meeting_end`. Also keeps the meeting directory that traces Kaltura events back
 * to meetings. A listener never fails the use case that emitted the event: errors are logged.
 */
@Injectable()
export class MeetingEventsListener {
  private readonly log = new Logger('notification');

  constructor(
    private readonly notifications: NotificationService,
    private readonly directory: MeetingDirectory,
  ) {}

  @OnEvent(MEETING_EVENTS.created)
  async onCreated(event: MeetingCreatedEvent): Promise<void> {
    await this.guard(MEETING_EVENTS.created, async () => {
      const ref = refOf(event.meeting);
      await this.directory.upsert(ref);
      await this.notifications.notify({
        type: 'meeting_start',
        dedupeKey: `meeting_start:${ref.meetingId}`,
        guildId: ref.guildId,
        meetingId: ref.meetingId,
        meetingChannelId: ref.channelId,
        values: meetingValues(ref),
        source: 'domain',
      });
    });
  }

  @OnEvent(MEETING_EVENTS.joined)
  async onJoined(event: MeetingJoinedEvent): Promise<void> {
    await this.guard(MEETING_EVENTS.joined, async () => {
      const ref = refOf(event.meeting);
      await this.notifications.notify({
        type: 'user_join',
        dedupeKey: `user_join:${ref.meetingId}:${event.user.id}`,
        guildId: ref.guildId,
        meetingId: ref.meetingId,
        meetingChannelId: ref.channelId,
        values: { ...meetingValues(ref), 'user.name': event.user.displayName },
        source: 'domain',
      });
    });
  }

  @OnEvent(MEETING_EVENTS.ended)
  async onEnded(event: MeetingEndedEvent): Promise<void> {
    await this.guard(MEETING_EVENTS.ended, async () => {
      const ref = refOf(event.meeting);
      await this.directory.markEnded(ref.meetingId, ref.endedAt ?? new Date());
      await this.notifications.notify({
        type: 'meeting_end',
        dedupeKey: `meeting_end:${ref.meetingId}`,
        guildId: ref.guildId,
        meetingId: ref.meetingId,
        meetingChannelId: ref.channelId,
        values: {
          ...meetingValues(ref),
          'meeting.duration': formatDuration(meetingDurationMs(event.meeting)),
        },
        source: 'domain',
      });
    });
  }

  private async guard(event: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.log.error({ err, event }, 'Could not turn a meeting event into a notification');
    }
  }
}
