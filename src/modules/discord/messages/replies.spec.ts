import type { JoinResult, Meeting } from '../../meetings';
import {
  LIST_SHOWN,
  MAX_LINK_BUTTON_URL,
  absoluteJoinUrl,
  endedReply,
  joinLinkReply,
  listReply,
  meetingChoice,
} from './replies';

const meeting = (i: number, over: Partial<Meeting> = {}): Meeting => ({
  id: `M${String(i).padStart(9, '0')}`,
  guildId: '1',
  channelId: '2',
  messageId: null,
  hostId: '4',
  hostName: 'Hana',
  title: `Meeting ${i}`,
  description: null,
  type: 'meeting',
  status: 'active',
  kaltura: { resourceId: 1000 + i },
  createdAt: new Date('2025-03-01T10:00:00Z'),
  endedAt: null,
  endedBy: null,
  ...over,
});

describe('replies', () => {
  describe('absoluteJoinUrl', () => {
    it('prefixes sandbox paths with the local service and leaves live URLs alone', () => {
      expect(absoluteJoinUrl('/sandbox/launch?ks=abc', 3000)).toBe(
        'http://localhost:3000/sandbox/launch?ks=abc',
      );
      expect(absoluteJoinUrl('https://1.kaf.kaltura.com/virtualEvent/launch?ks=a', 3000)).toBe(
        'https://1.kaf.kaltura.com/virtualEvent/launch?ks=a',
      );
    });
  });

  describe('joinLinkReply', () => {
    const result = (role: JoinResult['role']): JoinResult => ({
      meeting: meeting(1, { title: 'Team *sync*' }),
      url: 'unused',
      role,
      expiresAt: new Date('2025-03-01T10:15:00Z'),
    });

    it('puts the personal link on a link button, with role and expiry', () => {
      const reply = joinLinkReply(result('viewer'), 'https://kaf.test/launch?ks=x', 'Hello.');
      expect(reply.content).toBe(
        [
          'Hello.',
          'Your personal link to **Team \\*sync\\*** — you join as **viewer**.',
          "It expires <t:1740824100:R> and is for you only: don't share it.",
        ].join('\n'),
      );
      expect(reply.components[0].toJSON()).toEqual({
        type: 1,
        components: [{ type: 2, style: 5, url: 'https://kaf.test/launch?ks=x', label: 'Open the meeting' }],
      });
      expect(reply.allowedMentions).toEqual({ parse: [] });
      expect(joinLinkReply(result('moderator'), 'https://x').content).toContain(
        '**moderator (host controls)**',
      );
    });

    it('uses a markdown link when the URL is too long for a button', () => {
      const url = `https://kaf.test/launch?ks=${'a'.repeat(MAX_LINK_BUTTON_URL)}`;
      const reply = joinLinkReply(result('admin'), url);
      expect(reply.components).toEqual([]);
      expect(reply.content).toContain(`[Open the meeting](${url})`);
    });
  });

  describe('listReply', () => {
    it('is friendly when nothing runs', () => {
      expect(listReply([]).content).toBe(
        'No meetings are running in this server right now. Start one with `/kaltura-start`.',
      );
    });

    it('survives emoji-heavy titles: every label fits both UTF-16 units and code points (issue 26 item 6)', () => {
      const titles = [
        '🎉 Quarterly planning with all regional leads and the product team 🚀🚀 final',
        '🎉'.repeat(100),
        '👨‍👩‍👧'.repeat(12),
      ];
      const reply = listReply(titles.map((title, i) => meeting(i, { title })));
      const labels = reply.components.flatMap((row) =>
        row.toJSON().components.map((c) => (c as { label: string }).label),
      );
      expect(labels).toHaveLength(3);
      for (const label of labels) {
        expect(label.length).toBeLessThanOrEqual(80);
        expect([...label].length).toBeLessThanOrEqual(80);
      }
      for (const field of reply.embeds[0].fields ?? []) expect(field.name.length).toBeLessThanOrEqual(256);
      expect(meetingChoice(meeting(0, { title: '🎓'.repeat(100) })).name.length).toBeLessThanOrEqual(100);
    });

    it('shows title, type, host, age and id, with a join button each (10 at most, in rows of 5)', () => {
      const now = new Date('2025-03-01T10:42:00Z');
      const many = Array.from({ length: 12 }, (_, i) => meeting(i));
      const reply = listReply(many, now);
      const [embed] = reply.embeds;
      expect(embed.title).toBe('12 meetings running');
      expect(embed.fields).toHaveLength(LIST_SHOWN);
      expect(embed.fields?.[0]).toEqual({
        name: 'Meeting 0',
        value: '📹 Meeting · host Hana · running for 42 min · ID `M000000000`',
      });
      expect(embed.footer?.text).toContain('Showing the 10 newest');
      const rows = reply.components.map((r) => r.toJSON());
      expect(rows.map((r) => r.components.length)).toEqual([5, 5]);
      expect(rows[0].components[0]).toMatchObject({
        custom_id: 'meeting/join/M000000000',
        label: 'Join: Meeting 0',
      });
      expect(listReply([meeting(1)], now).embeds[0].title).toBe('1 meeting running');
    });
  });

  it('endedReply and meetingChoice', () => {
    const ended = meeting(1, { status: 'ended', endedAt: new Date('2025-03-01T10:00:30Z') });
    expect(endedReply(ended).content).toBe('**Meeting 1** has ended after 30 s.');
    expect(meetingChoice(meeting(2, { title: 'x'.repeat(120) })).name).toHaveLength(100);
    expect(meetingChoice(meeting(2))).toEqual({ name: 'Meeting 2 · meeting · Hana', value: 'M000000002' });
  });
});
