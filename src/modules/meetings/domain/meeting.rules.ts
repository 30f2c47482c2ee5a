import { randomBytes } from 'node:crypto';
import { FieldError, ValidationFailedError } from '../../../platform/errors';
import type { MeetingType } from '../../kaltura';
import { MEETING_LIMITS, MEETING_TYPES } from './meeting';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Length of meeting ids: 62^10 ≈ 8·10^17, not guessable by clicking around. */
export const MEETING_ID_LENGTH = 10;
export const MEETING_ID_PATTERN = /^[0-9A-Za-z]{10}$/;
const SNOWFLAKE = /^\d{1,20}$/;
/** Who acts: a Discord user (snowflake) or another principal of the REST API (e.g. an API key `ak_…`). */
const ACTOR_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** C0/C1 control characters (NUL, ESC, …) render as garbage or break clients; tab and line breaks are fine. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** A fresh meeting id from the CSPRNG (rejection sampling keeps every character equally likely). */
export function newMeetingId(): string {
  let id = '';
  while (id.length < MEETING_ID_LENGTH) {
    for (const byte of randomBytes(16)) {
      // 248 = 4 × 62: bytes above it would favour the first characters.
      if (byte < 248 && id.length < MEETING_ID_LENGTH) id += BASE62[byte % 62];
    }
  }
  return id;
}

/** The normalised fields of a new meeting. */
export interface MeetingDraft {
  title: string;
  description: string | null;
  type: MeetingType;
}

/**
 * Checks and normalises what a user typed: title trimmed, 1–100 characters; description trimmed, at most 1,000
 * (empty means none); type one of `MEETING_TYPES`. Throws `ValidationFailedError` listing every broken rule.
 */
export function validateMeetingInput(input: {
  title?: unknown;
  description?: unknown;
  type?: unknown;
}): MeetingDraft {
  const errors: FieldError[] = [];
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (typeof input.title !== 'string' || title.length === 0) {
    errors.push({ field: 'title', message: 'is required' });
  } else if ([...title].length > MEETING_LIMITS.titleMax) {
    errors.push({ field: 'title', message: `must be at most ${MEETING_LIMITS.titleMax} characters` });
  } else if (CONTROL.test(title) || /[\r\n]/.test(title)) {
    errors.push({ field: 'title', message: 'must not contain control characters or line breaks' });
  }
  let description: string | null = null;
  if (input.description !== undefined && input.description !== null) {
    if (typeof input.description !== 'string') {
      errors.push({ field: 'description', message: 'must be text' });
    } else {
      description = input.description.trim() || null;
      if (description && [...description].length > MEETING_LIMITS.descriptionMax) {
        errors.push({
          field: 'description',
          message: `must be at most ${MEETING_LIMITS.descriptionMax} characters`,
        });
      } else if (description && CONTROL.test(description)) {
        errors.push({ field: 'description', message: 'must not contain control characters' });
      }
    }
  }
  if (!MEETING_TYPES.includes(input.type as MeetingType)) {
    errors.push({ field: 'type', message: `must be one of ${MEETING_TYPES.join(', ')}` });
  }
  if (errors.length > 0) throw new ValidationFailedError(errors, describe(errors));
  return { title, description, type: input.type as MeetingType };
}

/** Checks the ids a use case is given (guild, channel, user): Discord snowflakes. */
export function assertSnowflake(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !SNOWFLAKE.test(value)) {
    throw new ValidationFailedError(
      [{ field, message: 'must be a Discord id' }],
      `The ${field} is not valid.`,
    );
  }
}

/** Checks the id of whoever acts on a meeting (host, member, actor). */
export function assertActorId(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !ACTOR_ID.test(value)) {
    throw new ValidationFailedError([{ field, message: 'must be a user id' }], `The ${field} is not valid.`);
  }
}

/**
 * The Kaltura user of an actor: `discord_<snowflake>` for Discord users, `service_<id>` for other principals
 * (API keys), so the two can never collide.
 */
export function kalturaUserId(actorId: string): string {
  return SNOWFLAKE.test(actorId) ? `discord_${actorId}` : `service_${actorId}`;
}

function describe(errors: FieldError[]): string {
  return `The meeting is not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`;
}
