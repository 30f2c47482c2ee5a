import { DISCORD_CONTENT_LIMIT, cutText, escapeDiscordText, safeUrl } from './discord-text';
import { renderTemplate } from './template-renderer';

const ZWSP = '\u200b';

describe('escaping untrusted text for Discord', () => {
  it('breaks @everyone and @here (any case) so they cannot ping', () => {
    const out = escapeDiscordText('hi @everyone and @HERE');
    expect(out).not.toMatch(/@(everyone|here)/i);
    expect(out).toBe(`hi @${ZWSP}everyone and @${ZWSP}HERE`);
  });

  it.each([
    '<@123456789012345678>',
    '<@!123456789012345678>',
    '<@&123456789012345678>',
    '<#123456789012345678>',
    '<t:1:R>',
    '<:x:123>',
  ])('breaks the mention syntax %s', (text) => {
    const out = escapeDiscordText(text);
    expect(out).not.toMatch(/<[@#:t]/);
    expect(out.startsWith(`<${ZWSP}`)).toBe(true);
  });

  it('escapes markdown so it shows as typed', () => {
    expect(
      escapeDiscordText('**bold** __u__ ~~s~~ `c` ||spoiler|| > quote # h - item [l](https://x.y)'),
    ).toBe(
      '\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\| \\> quote \\# h \\- item \\[l\\](https://x.y)',
    );
    expect(escapeDiscordText('1. first')).toBe('1\\. first');
    expect(escapeDiscordText('back\\slash')).toBe('back\\\\slash');
  });

  it('flattens line breaks and control characters (no injected headings or quotes on new lines)', () => {
    expect(escapeDiscordText('a\n# heading\r\n> quote\u0000\u2028b')).toBe('a \\# heading \\> quote b');
  });

  it('caps each value and never splits a surrogate pair', () => {
    const out = escapeDiscordText('😀'.repeat(500), 10);
    // Within 10 in UTF-16 units, hence in code points too (one rule with discord.js's builders).
    expect(out).toBe('😀😀😀😀…');
    expect(out.endsWith('…')).toBe(true);
    expect(cutText('😀😀😀', 3)).toBe('😀…');
  });
});

describe('URLs in templates', () => {
  it('keeps http(s) links usable and encodes what could break out of them', () => {
    expect(safeUrl('https://example.com/a_b/c?x=1')).toBe('https://example.com/a_b/c?x=1');
    expect(safeUrl('https://example.com/p)**[x](y)@everyone')).toBe(
      'https://example.com/p%29%2A%2A%5Bx%5D%28y%29%40everyone',
    );
  });

  it('refuses other schemes and credentials', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('https://user:pw@example.com/')).toBeNull();
    expect(safeUrl('not a url')).toBeNull();
  });
});

describe('rendering a template', () => {
  const template = '📅 **{{meeting.title}}** by {{host.name}}: {{recording.url}} {{unknown.key}}';

  it('fills placeholders with escaped values and leaves unknown ones visible', () => {
    expect(
      renderTemplate(template, {
        'meeting.title': 'Q&A *live*',
        'host.name': '@everyone',
        'recording.url': 'https://e.com/r',
      }),
    ).toBe(`📅 **Q&A \\*live\\*** by @${ZWSP}everyone: https://e.com/r {{unknown.key}}`);
  });

  it('keeps the admin template as written (its own markdown works)', () => {
    expect(renderTemplate('**{{meeting.title}}**', { 'meeting.title': 'x' })).toBe('**x**');
  });

  it('cuts to 2,000 characters and is never empty', () => {
    const long = renderTemplate('{{meeting.title}}'.repeat(50), { 'meeting.title': 'y'.repeat(300) });
    expect(Array.from(long).length).toBeLessThanOrEqual(DISCORD_CONTENT_LIMIT);
    expect(renderTemplate('   {{meeting.description}} ', { 'meeting.description': null }, 'fallback')).toBe(
      'fallback',
    );
  });

  it('a value cannot introduce a placeholder of its own', () => {
    expect(
      renderTemplate('{{user.name}} {{host.name}}', { 'user.name': '{{host.name}}', 'host.name': 'H' }),
    ).toBe('{{host.name}} H');
  });
});
