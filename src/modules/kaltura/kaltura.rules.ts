import { ValidationFailedError } from '../../platform/errors';
import type { Settings } from '../../platform/settings';
import type { JoinRole, JoinUrlInput, KalturaRoom, MeetingType } from './kaltura.port';
import { KsType, mintKs } from './ks.codec';

/**
 * Pure rules shared by the live and sandbox adapters, so both produce the same rooms and the same join KS.
 */

/** Marks a schedule resource as a Newrow (Kaltura Meetings) room; KAF launches only those. */
export const NEWROW_TAG = 'vcprovider:newrow';

const CLASS_MODE: Record<MeetingType, string | undefined> = {
  meeting: undefined,
  webinar: 'custom_rs_class_mode:webinar',
  classroom: 'custom_rs_class_mode:virtual_classroom',
};

/** Tags of the room resource: always Newrow, plus the class mode for webinars and classrooms. */
export function resourceTags(type: MeetingType): string {
  return [NEWROW_TAG, CLASS_MODE[type]].filter(Boolean).join(',');
}

/** Tags of the scheduled session: the class mode, when there is one. */
export function eventTags(type: MeetingType): string | undefined {
  return CLASS_MODE[type];
}

/** Kaltura role privileges for a project role. */
export function kalturaRole(role: JoinRole): { role: 'adminRole' | 'viewerRole'; userContextualRole: 0 | 3 } {
  // 0 = host/instructor, 3 = attendee in Newrow's contextual roles.
  return role === 'viewer'
    ? { role: 'viewerRole', userContextualRole: 3 }
    : { role: 'adminRole', userContextualRole: 0 };
}

/**
 * Makes a display name safe as a privilege value: commas would split the privilege string when the server
 * re-reads the KS, control characters have no place in a name, and long names are cut.
 */
export function privilegeText(value: string, maxLength = 64): string {
  const cleaned = value
    .replace(/[\p{Cc},]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...cleaned].slice(0, maxLength).join('').trim();
}

/**
 * Privileges of a personal join KS. The room is addressed by `resourceId` only: the scheduled event has a
 * bounded window, while the resource lives as long as the meeting (and attendees wait for a moderator).
 */
export function joinPrivileges(input: JoinUrlInput): Array<[string, string]> {
  const { role, userContextualRole } = kalturaRole(input.role);
  const firstName = privilegeText(input.user.firstName) || privilegeText(input.user.id);
  const lastName = input.user.lastName === undefined ? '' : privilegeText(input.user.lastName);
  const privileges: Array<[string, string]> = [
    ['resourceId', String(input.room.resourceId)],
    ['role', role],
    ['userContextualRole', String(userContextualRole)],
    ['firstName', firstName],
  ];
  if (lastName !== '') privileges.push(['lastName', lastName]);
  return privileges;
}

/** `user.add`'s id pattern (kaltura/server). `discord_<snowflake>` matches. */
export const KALTURA_USER_ID = /^[A-Za-z0-9,!#$%&'*+?^_`{|}~.@-]{1,320}$/;

export function assertUserId(id: string): void {
  if (typeof id !== 'string' || !KALTURA_USER_ID.test(id)) {
    throw new ValidationFailedError([{ field: 'user.id', message: 'is not a valid Kaltura user id' }]);
  }
}

const isId = (n: unknown): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

export function assertRoom(room: KalturaRoom): void {
  if (!room || !isId(room.resourceId) || (room.eventId !== undefined && !isId(room.eventId))) {
    throw new ValidationFailedError([
      { field: 'room', message: 'needs positive integer resourceId (and eventId)' },
    ]);
  }
}

/**
 * The USER KS of a personal join link (both adapters: only where the link points differs). Checks the room and
 * user id first.
 */
export function mintJoinKs(
  connection: Pick<Settings['kaltura'], 'adminSecret' | 'partnerId' | 'joinLinkTtl'>,
  input: JoinUrlInput,
  nowMs: number,
): string {
  assertRoom(input.room);
  assertUserId(input.user.id);
  return mintKs({
    secret: connection.adminSecret,
    partnerId: connection.partnerId,
    type: KsType.USER,
    userId: input.user.id,
    privileges: joinPrivileges(input),
    expiresIn: connection.joinLinkTtl,
    now: Math.floor(nowMs / 1000),
  });
}
