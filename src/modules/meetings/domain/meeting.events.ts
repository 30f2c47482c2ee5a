import type { MemberRole } from '../../config';
import type { Meeting } from './meeting';

/** Domain event names (EventEmitter2), emitted after the change is stored. */
export const MEETING_EVENTS = {
  created: 'meeting.created',
  joined: 'meeting.joined',
  ended: 'meeting.ended',
} as const;

/** A meeting was created and stored. */
export interface MeetingCreatedEvent {
  meeting: Meeting;
}

/** A member was handed a personal join link. */
export interface MeetingJoinedEvent {
  meeting: Meeting;
  user: { id: string; displayName: string };
  role: MemberRole;
}

/** A meeting ended, by a member (command, button, REST) or because Kaltura reported it cancelled. */
export interface MeetingEndedEvent {
  meeting: Meeting;
  endedBy: { id: string; displayName: string } | 'kaltura';
}
