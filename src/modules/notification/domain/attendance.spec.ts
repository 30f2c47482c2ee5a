import { fitsDiscordLimit } from '../../../platform/text';
import {
  ATTENDANCE_CSV_NAME,
  INLINE_NAMES_MAX,
  type Attendee,
  attendanceCsv,
  attendanceSummary,
  csvField,
} from './attendance';
import { DISCORD_CONTENT_LIMIT } from './discord-text';
import { renderTemplate } from './template-renderer';

const TEMPLATE = '👥 {{attendance.members}} joined **{{meeting.title}}**: {{attendance.names}}';
const at = new Date('2026-01-01T12:00:00.000Z');
const attendee = (i: number, displayName = `Member ${i}`): Attendee => ({
  meetingId: 'm1',
  guildId: 'g1',
  memberId: String(100000000000000000n + BigInt(i)),
  displayName,
  role: 'viewer',
  firstAt: new Date(at.getTime() + i * 1000),
  lastAt: new Date(at.getTime() + i * 1000),
  count: 1,
});
const post = (attendees: Attendee[], capped = false) => {
  const summary = attendanceSummary(attendees, capped);
  return { ...summary, content: renderTemplate(TEMPLATE, { 'meeting.title': 'Standup', ...summary.values }) };
};

describe('attendance summary', () => {
  it('names a few members inline, without an attachment', () => {
    const { content, attachment, values } = post([attendee(1, 'Alice'), attendee(2, 'Bob')]);
    expect(content).toBe('👥 2 members joined **Standup**: Alice, Bob');
    expect(values['attendance.count']).toBe('2');
    expect(attachment).toBeNull();
    expect(post([attendee(1, 'Alice')]).content).toBe('👥 1 member joined **Standup**: Alice');
  });

  it('past 25 names, names the first 25, says how many more and attaches every member as CSV', () => {
    const all = Array.from({ length: 30 }, (_, i) => attendee(i + 1));
    const { content, attachment } = post(all);
    expect(content).toContain('30 members joined');
    expect(content).toContain('Member 25 and 5 more (full list in attendance.csv)');
    expect(content).not.toContain('Member 26');
    expect(attachment?.filename).toBe(ATTENDANCE_CSV_NAME);
    expect(attachment!.content.split('\r\n').filter(Boolean)).toHaveLength(31);
    expect(INLINE_NAMES_MAX).toBe(25);
  });

  it('stays within Discord limits with long emoji names and markdown, escaped, never pinging', () => {
    const names = Array.from({ length: 24 }, (_, i) =>
      attendee(i, `${'🎉'.repeat(40)}*_@everyone <@${i}> ${'x'.repeat(60)}`),
    );
    const { content, attachment } = post(names);
    expect(fitsDiscordLimit(content, DISCORD_CONTENT_LIMIT)).toBe(true);
    expect(content).not.toMatch(/@everyone|<@\d/);
    // 24 names fit the count rule but not the 1,500 characters: the rest goes to the CSV.
    expect(content).toMatch(/and \d+ more \(full list in attendance\.csv\)$/);
    expect(attachment).not.toBeNull();
    // No name is cut inside a surrogate pair.
    expect(content).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('says when the list was capped', () => {
    const { content, attachment } = post([attendee(1, 'Alice')], true);
    expect(content).toBe('👥 1+ members joined **Standup**: Alice and more (full list in attendance.csv)');
    expect(attachment).not.toBeNull();
  });

  it('falls back to the member id for a blank name', () => {
    expect(post([attendee(7, '  ')]).content).toContain('100000000000000007');
  });
});

describe('attendance CSV', () => {
  it('quotes every field and doubles quotes; commas and newlines stay inside their field', () => {
    const csv = attendanceCsv([attendee(1, 'Doe, "Jo"\nline two')]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('"member_id","display_name","role","first_link_at","last_link_at","links"');
    expect(row).toBe(
      '"100000000000000001","Doe, ""Jo""\nline two","viewer","2026-01-01T12:00:01.000Z","2026-01-01T12:00:01.000Z","1"',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tTab', '\rCR'])(
    'neutralises a formula-looking value %j with a leading quote',
    (value) => {
      expect(csvField(value)).toBe(`"'${value.replace(/"/g, '""')}"`);
    },
  );

  it('leaves ordinary values as they are', () => {
    expect(csvField('Alice 🎉')).toBe('"Alice 🎉"');
    expect(csvField('a=b')).toBe('"a=b"');
  });
});
