/**
 * One rule for every string Discord or discord.js validates by length.
 *
 * Discord counts characters as Unicode code points (a Discord engineer, discord/discord-api-docs#1315: "the API
 * calculates length based on the number of codepoints"; the docs themselves only say "characters"). discord.js's
 * builders (@discordjs/builders, shapeshift `s.string().lengthLessThanOrEqual`) count `String.length`, i.e.
 * UTF-16 code units. A UTF-16 length is never smaller than the code-point count, so a string whose UTF-16
 * length fits passes both. Cutting by code points alone let a 74-character title with emoji break
 * `/kaltura-list` for the whole guild (issue 26 item 6).
 */

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** True when `text` is within `max` for both Discord (code points) and discord.js's builders (UTF-16 units). */
export function fitsDiscordLimit(text: string, max: number): boolean {
  return text.length <= max;
}

/**
 * Cuts `text` so that it fits `max` in UTF-16 units (hence also in code points), marking the cut with "…".
 * Never splits a surrogate pair, and cuts between grapheme clusters (a flag or a family emoji stays whole) unless
 * a single cluster is itself longer than the room left, when it falls back to whole code points.
 */
export function cutForDiscord(text: string, max: number): string {
  if (fitsDiscordLimit(text, max)) return text;
  if (max <= 0) return '';
  const room = max - ELLIPSIS.length;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > room) {
      for (const point of segment) {
        if (out.length + point.length > room) break;
        out += point;
      }
      break;
    }
    out += segment;
  }
  return out + ELLIPSIS;
}
