import {
  compareNewestFirst,
  decodeCursor,
  encodeCursor,
  isAfterCursor,
  notificationId,
  webhookEventId,
} from './ids';
import { retryDelayMs } from './retry-policy';

describe('ids and cursors', () => {
  it('derives the same 24-hex notification id from the same cause, different ones otherwise', () => {
    expect(notificationId('meeting_start:A')).toBe(notificationId('meeting_start:A'));
    expect(notificationId('meeting_start:A')).not.toBe(notificationId('meeting_start:B'));
    expect(notificationId('x')).toMatch(/^[a-f0-9]{24}$/);
  });

  it('keys webhooks by job id, else by a hash of the exact body', () => {
    expect(webhookEventId('42', Buffer.from('a'))).toBe('job-42');
    expect(webhookEventId(undefined, Buffer.from('a'))).toBe(webhookEventId(undefined, Buffer.from('a')));
    expect(webhookEventId(undefined, Buffer.from('a'))).not.toBe(webhookEventId(undefined, Buffer.from('b')));
  });

  it('round-trips cursors and refuses forged ones', () => {
    const cursor = { createdAt: new Date(1_700_000_000_123), id: 'a'.repeat(24) };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('not-a-cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('1:../../etc').toString('base64url'))).toBeNull();
  });

  it('orders newest first, ties by id, and pages strictly after the cursor', () => {
    const t = new Date(1000);
    const items = [
      { createdAt: new Date(900), id: 'b'.repeat(24) },
      { createdAt: t, id: 'a'.repeat(24) },
      { createdAt: t, id: 'c'.repeat(24) },
    ].sort(compareNewestFirst);
    expect(items.map((i) => i.id[0])).toEqual(['c', 'a', 'b']);
    expect(items.filter((i) => isAfterCursor(i, items[0])).map((i) => i.id[0])).toEqual(['a', 'b']);
  });
});

describe('retry delays', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000, jitter: 0 };

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(policy, n))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('never retries sooner than Discord asked', () => {
    expect(retryDelayMs(policy, 1, 5_500)).toBe(5_500);
  });

  it('spreads retries by the jitter fraction', () => {
    const jittery = { ...policy, jitter: 0.2 };
    expect(retryDelayMs(jittery, 1, 0, () => 0)).toBe(800);
    expect(retryDelayMs(jittery, 1, 0, () => 1)).toBe(1200);
  });
});
