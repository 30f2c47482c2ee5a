import type { DomainEvent } from '../../../platform/events';
import { Resume, compareCursors } from './ws-resume';

const ev = (cursor: string | undefined): DomainEvent => ({
  id: `id-${cursor}`,
  type: 't',
  version: 1,
  guildId: 'g',
  occurredAt: '2026-01-01T00:00:00.000Z',
  audience: 'viewer',
  data: {},
  ...(cursor === undefined ? {} : { cursor }),
});

describe('cursor order', () => {
  it('compares Redis stream ids and counters part by part as integers', () => {
    expect(compareCursors('1700000000000-2', '1700000000000-10')).toBe(-1);
    expect(compareCursors('1700000000001-0', '1700000000000-99')).toBe(1);
    expect(compareCursors('9', '10')).toBe(-1);
    expect(compareCursors('10', '10')).toBe(0);
    expect(compareCursors('5-0', '5')).toBe(0);
    expect(compareCursors('abc', '1')).toBeNull();
  });
});

describe('a resume', () => {
  it('sends the replay, then held events it did not carry, in order', () => {
    const r = new Resume('s', 'g', '1-0');
    expect(r.live(ev('2-0'))).toBe('held'); // also in the replay
    expect(r.live(ev('4-0'))).toBe('held'); // published after the replay was read
    const out = r.replayed([ev('2-0'), ev('3-0')]);
    expect(out.map((e) => e.cursor)).toEqual(['2-0', '3-0', '4-0']);
  });

  it('drops late live copies of replayed events, then joins on the first new one', () => {
    const r = new Resume('s', 'g', '1-0');
    expect(r.replayed([ev('2-0'), ev('3-0')]).length).toBe(2);
    // The bus's tail on this replica is behind the log: it delivers 2 and 3 after the replay carried them.
    expect(r.live(ev('2-0'))).toBe('skip');
    expect(r.live(ev('3-0'))).toBe('skip');
    expect(r.live(ev('4-0'))).toBe('join');
  });

  it('never drops an event published during an outage (no cursor)', () => {
    const r = new Resume('s', 'g', '5');
    expect(r.replayed([ev(undefined)])).toHaveLength(1);
    expect(r.live(ev(undefined))).toBe('join');
  });

  it('skips events at or before the resume point', () => {
    const r = new Resume('s', 'g', '7');
    expect(r.replayed([ev('7'), ev('8')]).map((e) => e.cursor)).toEqual(['8']);
  });
});
