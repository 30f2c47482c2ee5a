import { Logger } from '@nestjs/common';
import { OutageLog } from './outage-log';

function setup() {
  let now = 1_000_000;
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const logger = {
    error: (fields: Record<string, unknown>, msg: string) => lines.push({ level: 'error', msg, fields }),
    log: (fields: Record<string, unknown>, msg: string) => lines.push({ level: 'info', msg, fields }),
  } as unknown as Logger;
  const outage = new OutageLog('Redis', logger, () => now);
  return { outage, lines, advance: (ms: number) => (now += ms) };
}

describe('OutageLog', () => {
  it('one error when the outage starts, a reminder a minute with the count, one line when it is over', () => {
    const { outage, lines, advance } = setup();
    // ~1.7 errors a second from two connections and the queue riding on them, for 2.5 minutes.
    for (let s = 0; s < 150; s++) {
      outage.failure(s % 2 ? 'notification-worker' : 'shared', 'connect ECONNREFUSED');
      expect(outage.absorb()).toBe(true);
      advance(1_000);
    }
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'Redis unreachable'],
      ['error', 'Redis still unreachable after 60 s (121 errors)'],
      ['error', 'Redis still unreachable after 120 s (241 errors)'],
    ]);
    outage.recovered('shared');
    expect(lines).toHaveLength(3); // the worker's connection is still down
    outage.recovered('notification-worker');
    expect(lines[3]).toMatchObject({
      level: 'info',
      msg: 'Redis reachable again after 150 s (300 errors)',
      fields: { downSeconds: 150, errors: 300 },
    });
    expect(outage.active).toBe(false);
  });

  it('outside an outage absorbs nothing (the caller logs), and a new outage logs again', () => {
    const { outage, lines } = setup();
    expect(outage.absorb()).toBe(false);
    outage.recovered('shared');
    expect(lines).toHaveLength(0);
    outage.failure('shared', 'x');
    outage.recovered('shared');
    outage.failure('shared', 'y');
    expect(lines.map((l) => l.msg)).toEqual([
      'Redis unreachable',
      'Redis reachable again after 0 s (1 errors)',
      'Redis unreachable',
    ]);
  });
});
