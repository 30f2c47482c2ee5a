import type { KalturaRoom, MeetingType } from '../../kaltura';
import type { MemberRole } from '../../config';

/** Meeting kinds, in the order commands and forms offer them. */
export const MEETING_TYPES: readonly MeetingType[] = ['meeting', 'webinar', 'classroom'];

/** Input limits (Discord's option limits are set to the same values). */
export const MEETING_LIMITS = { titleMax: 100, descriptionMax: 1_000 } as const;

/** A Kaltura meeting run from one Discord guild. Always read and written scoped to its guild. */
export interface Meeting {
  /** Short, URL-safe id (10 base62 characters); appears in button custom ids. */
  id: string;
  guildId: string;
  /** Channel of the public meeting message; null when created outside Discord. */
  channelId: string | null;
  /** The public meeting message, once posted. */
  messageId: string | null;
  /** Discord user id of the host (or the id of the REST principal, e.g. an API key, that created it). */
  hostId: string;
  hostName: string;
  title: string;
  description: string | null;
  type: MeetingType;
  status: 'active' | 'ended';
  kaltura: KalturaRoom;
  createdAt: Date;
  endedAt: Date | null;
  /** Id of whoever ended it (as `hostId`), or `kaltura` when Kaltura reported it cancelled. */
  endedBy: string | null;
}

/**
 * How the caller reached the use case, which decides how the guild's command rules (`commands.enabled`,
 * `commands.permissions`) match them:
 * - `discord`: a member in an interaction, with the roles Discord sent;
 * - `rest-user`: a Discord user signed in to the REST API; their roles are looked up with the bot when a rule
 *   lists roles (the token carries only the project role);
 * - `api-key`: a guild API key, which acts with the role it was issued with (`role`).
 */
export type ActorAccess =
  | { via: 'discord'; roleIds: string[]; roleNames: string[]; canManageGuild: boolean }
  | { via: 'rest-user' }
  | { via: 'api-key' };

/** Someone acting on a meeting, with the project role their Discord roles map to. */
export interface MeetingActor {
  userId: string;
  displayName: string;
  role: MemberRole;
  /** Absent: treated as a member without roles or permissions (least privilege), never as trusted. */
  access?: ActorAccess;
}

/** `endedBy` of a meeting Kaltura reported as cancelled or deleted. */
export const ENDED_BY_KALTURA = 'kaltura';

/** How long a meeting ran (until now while it is active), in milliseconds. */
export function meetingDurationMs(meeting: Pick<Meeting, 'createdAt' | 'endedAt'>, now = new Date()): number {
  return Math.max(0, (meeting.endedAt ?? now).getTime() - meeting.createdAt.getTime());
}

/** `45 s`, `12 min`, `1 h 5 min`, `2 d 3 h`: short, readable, no false precision. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
