/**
 * How a recording is traced back to its meeting. Kaltura makes a meeting's recording from the template entry named
 * by the schedule event's `templateEntryId`: kaltura/server `entry::copyTemplate` (alpha/lib/model/entry.php)
 * copies name, tags, adminTags, partnerData, description, owner and entitlements onto the new entry and sets its
 * `templateEntryId`; it does NOT copy `referenceId` or categories (see /work/shared/reference/kaltura.md and
 * docs/kaltura.md). So the guild and meeting ids go into the template's `adminTags` (searchable with the
 * `adminTagsLike` list filter, not shown to viewers) and, as a second source, its `partnerData` (JSON).
 */

/** Marks every entry this service creates (templates, and the recordings Kaltura copies from them). */
export const SERVICE_ADMIN_TAG = 'kd';
const GUILD_PREFIX = 'kd-guild:';
const MEETING_PREFIX = 'kd-meeting:';
/** Discord snowflakes and the project's meeting ids (`MEETING_ID_PATTERN` is stricter; this only bounds input). */
const ID = /^[A-Za-z0-9]{1,32}$/;

/** The guild and meeting a recording belongs to. */
export interface RecordingOwner {
  guildId: string;
  meetingId: string;
}

/** `kd,kd-guild:<guildId>,kd-meeting:<meetingId>`. */
export function recordingAdminTags(owner: RecordingOwner): string {
  return [SERVICE_ADMIN_TAG, `${GUILD_PREFIX}${owner.guildId}`, `${MEETING_PREFIX}${owner.meetingId}`].join(
    ',',
  );
}

/** The `adminTagsLike` filter value that finds a meeting's entries (checked exactly afterwards: "like" is loose). */
export function recordingSearchTag(meetingId: string): string {
  return `${MEETING_PREFIX}${meetingId}`;
}

/** `{"guildId":"…","meetingId":"…"}`. */
export function recordingPartnerData(owner: RecordingOwner): string {
  return JSON.stringify({ guildId: owner.guildId, meetingId: owner.meetingId });
}

export type RecordingOwnerMatch = { owner: RecordingOwner } | { owner: null; reason: string };

function splitTags(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.filter((t): t is string => typeof t === 'string').map((t) => t.trim());
  if (typeof tags !== 'string') return [];
  return tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

function fromTags(tags: string[]): RecordingOwner | 'conflict' | null {
  const lower = tags.map((t) => t.toLowerCase());
  if (!lower.includes(SERVICE_ADMIN_TAG)) return null;
  // Kaltura lower-cases admin tags on some paths (ktagword): compare prefixes case-insensitively, keep the value.
  const values = (prefix: string) =>
    tags.filter((t, i) => lower[i].startsWith(prefix)).map((t) => t.slice(prefix.length));
  const guilds = [...new Set(values(GUILD_PREFIX))];
  const meetings = [...new Set(values(MEETING_PREFIX))];
  if (guilds.length === 0 && meetings.length === 0) return null;
  if (guilds.length !== 1 || meetings.length !== 1) return 'conflict';
  const [guildId, meetingId] = [guilds[0], meetings[0]];
  return ID.test(guildId) && ID.test(meetingId) ? { guildId, meetingId } : 'conflict';
}

function fromPartnerData(partnerData: unknown): RecordingOwner | null {
  if (typeof partnerData !== 'string' || partnerData.length > 4_000) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(partnerData);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { guildId, meetingId } = parsed as Record<string, unknown>;
  return typeof guildId === 'string' &&
    typeof meetingId === 'string' &&
    ID.test(guildId) &&
    ID.test(meetingId)
    ? { guildId, meetingId }
    : null;
}

/** Case-insensitive: unconfirmed whether Kaltura keeps the case of admin tags (meeting ids are mixed case). */
export function sameOwner(a: RecordingOwner, b: RecordingOwner): boolean {
  return (
    a.guildId.toLowerCase() === b.guildId.toLowerCase() &&
    a.meetingId.toLowerCase() === b.meetingId.toLowerCase()
  );
}

/**
 * The owner an entry's admin tags and partner data name. Both are checked when both are present, and must agree:
 * an entry whose fields disagree was edited by someone else and is not trusted. Anything else is foreign.
 */
export function recordingOwnerOf(entry: { adminTags?: unknown; partnerData?: unknown }): RecordingOwnerMatch {
  const byTags = fromTags(splitTags(entry.adminTags));
  const byData = fromPartnerData(entry.partnerData);
  if (byTags === 'conflict') return { owner: null, reason: 'admin tags name no single guild and meeting' };
  if (byTags && byData && !sameOwner(byTags, byData)) {
    return { owner: null, reason: 'admin tags and partner data name different meetings' };
  }
  // Partner data keeps the ids' case whatever Kaltura does to tags: it wins when both are there.
  const owner = byData ?? byTags;
  if (!owner)
    return { owner: null, reason: 'not an entry of this service (no kd admin tags or partner data)' };
  return { owner };
}
