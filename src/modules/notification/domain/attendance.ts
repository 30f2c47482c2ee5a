import type { MemberRole } from '../../config';
import { cutForDiscord } from '../../../platform/text';
import { escapeDiscordText } from './discord-text';

/**
 * Members kept per meeting. Past it, members already listed are still updated but new ones are not stored (the
 * summary says the list is capped): bounds the store, the post and the CSV whatever a crowd does.
 */
export const ATTENDANCE_CAP_PER_MEETING = 1_000;
/** Past this many attendees the post names the first ones and attaches the full list as CSV. */
export const INLINE_NAMES_MAX = 25;
/** Past this many characters of (escaped) names, the same. Leaves room for the template within 2,000. */
export const INLINE_NAMES_CHARS = 1_500;
/** One display name as shown inline (Discord display names are at most 32; Kaltura-side names may be longer). */
export const NAME_LIMIT = 64;
export const ATTENDANCE_CSV_NAME = 'attendance.csv';

/** One member who took a personal link for a meeting. */
export interface Attendee {
  meetingId: string;
  guildId: string;
  memberId: string;
  displayName: string;
  /** The Kaltura role of the last link. */
  role: MemberRole;
  firstAt: Date;
  lastAt: Date;
  /** Links taken. */
  count: number;
}

/** A file posted with a notification (Discord multipart upload). */
export interface NotificationAttachment {
  filename: string;
  content: string;
}

/** The placeholder values of the `attendance` notification and, past a size, the CSV to attach. */
export interface AttendanceSummary {
  values: { 'attendance.count': string; 'attendance.members': string; 'attendance.names': string };
  attachment: NotificationAttachment | null;
}

/**
 * "N members joined" material: names in first-link order, joined inline while they fit (25 names, 1,500
 * escaped characters); beyond that the first ones that fit, "and N more", and the full list as CSV.
 * `capped` says the store refused members past `ATTENDANCE_CAP_PER_MEETING`.
 */
export function attendanceSummary(attendees: readonly Attendee[], capped = false): AttendanceSummary {
  const n = attendees.length;
  const members = `${n}${capped ? '+' : ''} ${n === 1 && !capped ? 'member' : 'members'}`;
  const names = attendees.map((a) => cutForDiscord(a.displayName.trim() || a.memberId, NAME_LIMIT));
  const shown: string[] = [];
  let length = 0;
  for (const name of names) {
    // Measured escaped, as the renderer will post it.
    const cost = escapeDiscordText(name, NAME_LIMIT).length + (shown.length ? 2 : 0);
    if (shown.length >= INLINE_NAMES_MAX || length + cost > INLINE_NAMES_CHARS) break;
    shown.push(name);
    length += cost;
  }
  const overflow = shown.length < n || capped;
  const rest = n - shown.length;
  const tail = overflow
    ? ` and ${rest > 0 ? `${rest}${capped ? '+' : ''} more` : 'more'} (full list in ${ATTENDANCE_CSV_NAME})`
    : '';
  return {
    values: {
      'attendance.count': String(n),
      'attendance.members': members,
      'attendance.names': shown.join(', ') + tail,
    },
    attachment: overflow ? { filename: ATTENDANCE_CSV_NAME, content: attendanceCsv(attendees) } : null,
  };
}

const CSV_HEADER = ['member_id', 'display_name', 'role', 'first_link_at', 'last_link_at', 'links'];

/** RFC 4180 CSV (CRLF, every field quoted), safe to open in a spreadsheet. */
export function attendanceCsv(attendees: readonly Attendee[]): string {
  const rows = [
    CSV_HEADER,
    ...attendees.map((a) => [
      a.memberId,
      a.displayName,
      a.role,
      a.firstAt.toISOString(),
      a.lastAt.toISOString(),
      String(a.count),
    ]),
  ];
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * One quoted field. A value a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR: OWASP
 * "CSV injection") gets a leading `'` so it stays text; display names are chosen by members, so they are hostile.
 */
export function csvField(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${inert.replace(/"/g, '""')}"`;
}
