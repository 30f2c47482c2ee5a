import type { Meeting } from '../../meetings';
import { meetingCardBody } from './meeting-card';
import { cut, endedMessageBody, endedNoticeBody, meetingButtons } from './meeting-message';

const meeting = (over: Partial<Meeting> = {}): Meeting => ({
  id: 'AbC123xYz0',
  guildId: '1',
  channelId: '2',
  messageId: '3',
  hostId: '4',
  hostName: '*Hana* <@everyone>',
  title: 'Standup',
  description: 'Daily **sync**',
  type: 'classroom',
  status: 'active',
  kaltura: { resourceId: 1001, eventId: 5001 },
  createdAt: new Date('2025-03-01T10:00:00Z'),
  endedAt: null,
  endedBy: null,
  ...over,
});

describe('meeting message', () => {
  it('shows title, description, type, host (markdown escaped), status and start, with join/end buttons', () => {
    const message = meetingCardBody(meeting());
    const [embed] = message.embeds!;
    expect(embed).toMatchObject({
      title: 'Standup',
      description: 'Daily **sync**',
      footer: { text: 'Meeting ID AbC123xYz0' },
    });
    expect(embed.fields).toEqual([
      { name: 'Type', value: '🏫 Classroom', inline: true },
      { name: 'Host', value: '\\*Hana\\* <@everyone>', inline: true },
      { name: 'Status', value: '🟢 Live', inline: true },
      { name: 'Started', value: '<t:1740823200:f> (<t:1740823200:R>)', inline: true },
    ]);
    expect(message.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, custom_id: 'meeting/join/AbC123xYz0', label: 'Join', style: 1 },
          { type: 2, custom_id: 'meeting/end/AbC123xYz0', label: 'End meeting', style: 4 },
        ],
      },
    ]);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    // One meeting, one card: the nonce Discord deduplicates a retried create by (≤ 25 characters).
    expect(message).toMatchObject({ nonce: 'start-AbC123xYz0', enforce_nonce: true });
    expect(String(message.nonce).length).toBeLessThanOrEqual(25);
  });

  it('turns into the ended form: status, end time, duration, no buttons', () => {
    const ended = meeting({ status: 'ended', endedAt: new Date('2025-03-01T11:05:00Z'), endedBy: '4' });
    expect(meetingButtons(ended)).toEqual([]);
    const body = endedMessageBody(ended);
    expect(body.components).toEqual([]);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0].fields).toEqual(
      expect.arrayContaining([
        { name: 'Status', value: '⚪ Ended', inline: true },
        { name: 'Ended', value: '<t:1740827100:f>', inline: true },
        { name: 'Duration', value: '1 h 5 min', inline: true },
      ]),
    );
  });

  it('falls back to a short reply to the original message', () => {
    const ended = meeting({
      title: 'Q&A *live*',
      status: 'ended',
      endedAt: new Date('2025-03-01T10:12:00Z'),
    });
    expect(endedNoticeBody(ended, '3')).toEqual({
      content: '**Q&A \\*live\\*** has ended after 12 min.',
      message_reference: { message_id: '3', fail_if_not_exists: false },
      allowed_mentions: { parse: [] },
      nonce: `end-${ended.id}`,
      enforce_nonce: true,
    });
  });

  it('cuts long text so both UTF-16 units (discord.js builders) and code points (Discord) fit', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('🎉🎉🎉', 3)).toBe('🎉…');
    expect(cut('🎉🎉🎉', 2)).toBe('…');
    expect(cut('abc', 3)).toBe('abc');
  });
});
