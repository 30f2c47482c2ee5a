import { ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { cutForDiscord, fitsDiscordLimit } from './discord-length';

const points = (s: string) => [...s].length;

describe('cutForDiscord', () => {
  it('leaves text that fits alone', () => {
    expect(cutForDiscord('hello', 5)).toBe('hello');
  });

  it('cuts emoji-heavy text to the UTF-16 limit, so discord.js builders accept it (issue 26 item 6)', () => {
    const title = '🎉 Quarterly planning with all regional leads and the product team 🚀🚀 final';
    const label = cutForDiscord(`Join: ${title}`, 80);
    expect(label.length).toBeLessThanOrEqual(80);
    expect(points(label)).toBeLessThanOrEqual(80);
    expect(() =>
      new ButtonBuilder().setCustomId('x').setStyle(ButtonStyle.Primary).setLabel(label),
    ).not.toThrow();
    const all = cutForDiscord('🎉'.repeat(300), 256);
    expect(() => new EmbedBuilder().setTitle(all)).not.toThrow();
    expect(all.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    for (let max = 1; max < 12; max++) {
      const out = cutForDiscord('a🎉🎉🎉🎉🎉🎉🎉', max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('keeps grapheme clusters whole when there is room', () => {
    const family = '👨‍👩‍👧'; // 8 UTF-16 units, one grapheme
    expect(cutForDiscord(`ab${family}${family}`, 12)).toBe(`ab${family}…`);
    // A cluster longer than the room left falls back to whole code points.
    expect(cutForDiscord(`ab${family}`, 9)).toBe('ab👨\u200d👩\u200d…');
  });

  it('fitsDiscordLimit holds exactly when both counts fit', () => {
    expect(fitsDiscordLimit('🎉'.repeat(50), 100)).toBe(true);
    expect(fitsDiscordLimit('🎉'.repeat(51), 100)).toBe(false);
  });
});
