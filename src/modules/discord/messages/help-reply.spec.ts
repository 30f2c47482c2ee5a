import { helpReply } from './help-reply';

describe('helpReply', () => {
  it('lists commands by name with usage, version and deprecation', () => {
    const reply = helpReply([
      {
        name: 'kaltura-start',
        description: 'Start',
        options: [
          { name: 'type', required: true },
          { name: 'note', required: false },
        ],
        version: { version: '1.0.0' },
      },
      {
        name: 'kaltura-end',
        description: 'End',
        options: [],
        version: { version: '1.1.0', deprecated: { since: '1.1.0', note: 'use the End button' } },
      },
    ]);
    expect(reply.embeds[0].description).toBe(
      [
        '`/kaltura-end` · v1.1.0',
        '  End',
        '  ⚠️ Deprecated since v1.1.0: use the End button',
        '`/kaltura-start <type> [note]` · v1.0.0',
        '  Start',
      ].join('\n'),
    );
    expect(reply.allowedMentions).toEqual({ parse: [] });
  });
});
