import { formatDuration, meetingDurationMs } from './meeting';
import { MEETING_ID_PATTERN, newMeetingId, validateMeetingInput } from './meeting.rules';

describe('meeting rules', () => {
  it('makes 10-character base62 ids that do not repeat', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newMeetingId()));
    expect(ids.size).toBe(5000);
    for (const id of ids) expect(id).toMatch(MEETING_ID_PATTERN);
    // Every character class shows up: the alphabet is really used.
    const all = [...ids].join('');
    expect(all).toMatch(/[0-9]/);
    expect(all).toMatch(/[A-Z]/);
    expect(all).toMatch(/[a-z]/);
  });

  it('normalises input: trims, drops an empty description', () => {
    expect(validateMeetingInput({ title: ' A ', description: '   ', type: 'classroom' })).toEqual({
      title: 'A',
      description: null,
      type: 'classroom',
    });
  });

  it('reports every broken rule at once', () => {
    try {
      validateMeetingInput({ title: 42, description: 7, type: 'x' });
      throw new Error('should have thrown');
    } catch (e) {
      expect((e as { errors: Array<{ field: string }> }).errors.map((x) => x.field)).toEqual([
        'title',
        'description',
        'type',
      ]);
      expect((e as Error).message).toContain('title is required');
    }
  });

  it.each([
    [0, '0 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [45 * 60_000 + 10_000, '45 min'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [26 * 3_600_000, '1 d 2 h'],
    [48 * 3_600_000, '2 d'],
    [-5, '0 s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('measures a meeting until it ended, or until now while it runs', () => {
    const createdAt = new Date('2025-01-01T10:00:00Z');
    expect(meetingDurationMs({ createdAt, endedAt: new Date('2025-01-01T10:30:00Z') })).toBe(1_800_000);
    expect(meetingDurationMs({ createdAt, endedAt: null }, new Date('2025-01-01T11:00:00Z'))).toBe(3_600_000);
  });
});
