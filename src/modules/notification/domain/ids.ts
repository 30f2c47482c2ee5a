import { createHash } from 'node:crypto';

/**
 * A notification's id from what it is about (e.g. `meeting_start:<meetingId>`): the same cause always yields the
 * same id, so duplicates collapse in storage and in the queue. 24 hex characters also fit Discord's 25-character
 * `nonce`.
 */
export function notificationId(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey, 'utf8').digest('hex').slice(0, 24);
}

/** The idempotency key of a webhook: Kaltura's job id, or a hash of the exact body when there is none. */
export function webhookEventId(jobId: string | undefined, body: Buffer): string {
  if (jobId !== undefined) return `job-${jobId}`;
  return `body-${createHash('sha256').update(body).digest('hex').slice(0, 32)}`;
}

/** Position in a newest-first listing. */
export interface ListCursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id}`, 'utf8').toString('base64url');
}

/** null for anything that is not a cursor this service issued. */
export function decodeCursor(text: string): ListCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  const match = /^(\d{1,15}):([a-f0-9]{24})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return match ? { createdAt: new Date(Number(match[1])), id: match[2] } : null;
}

/** Newest first: createdAt descending, then id descending. */
export function compareNewestFirst(
  a: { createdAt: Date; id: string },
  b: { createdAt: Date; id: string },
): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  return byTime !== 0 ? byTime : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `item` comes after `cursor` in newest-first order. */
export function isAfterCursor(item: { createdAt: Date; id: string }, cursor: ListCursor): boolean {
  return compareNewestFirst(cursor, item) < 0;
}
