import { Injectable, Optional } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EventBus } from '../../platform/events';
import {
  MEETING_EVENTS,
  type MeetingCreatedEvent,
  type MeetingEndedEvent,
  type MeetingJoinedEvent,
} from './domain/meeting.events';
import type { Meeting } from './domain/meeting';

const ref = (m: Meeting) => ({ meetingId: m.id, title: m.title, type: m.type, channelId: m.channelId });

/**
 * Bridges the meetings' in-process domain events onto the cluster bus (docs/events.md). Only ids, names and
 * states leave: never the Kaltura room secrets or a join link.
 */
@Injectable()
export class MeetingEventsPublisher {
  /** Optional: modules booted alone in tests have no bus. */
  constructor(@Optional() private readonly bus?: EventBus) {}

  @OnEvent(MEETING_EVENTS.created)
  async created({ meeting }: MeetingCreatedEvent): Promise<void> {
    const base = { version: 1, guildId: meeting.guildId, audience: 'viewer' as const };
    await this.bus?.publish({
      ...base,
      type: 'meeting.created',
      data: { ...ref(meeting), hostId: meeting.hostId, hostName: meeting.hostName },
    });
    // A meeting's room opens when it is created; scheduled meetings will publish this when they start.
    await this.bus?.publish({
      ...base,
      type: 'meeting.started',
      data: { ...ref(meeting), startedAt: meeting.createdAt.toISOString() },
    });
  }

  @OnEvent(MEETING_EVENTS.joined)
  async joined({ meeting, user, role }: MeetingJoinedEvent): Promise<void> {
    await this.bus?.publish({
      type: 'meeting.link_issued',
      version: 1,
      guildId: meeting.guildId,
      audience: 'admin',
      data: { meetingId: meeting.id, user: { id: user.id, displayName: user.displayName }, role },
    });
  }

  @OnEvent(MEETING_EVENTS.ended)
  async ended({ meeting, endedBy }: MeetingEndedEvent): Promise<void> {
    await this.bus?.publish({
      type: 'meeting.ended',
      version: 1,
      guildId: meeting.guildId,
      audience: 'viewer',
      data: {
        ...ref(meeting),
        endedAt: (meeting.endedAt ?? new Date()).toISOString(),
        endedBy: endedBy === 'kaltura' ? 'kaltura' : { id: endedBy.id, displayName: endedBy.displayName },
      },
    });
  }
}
