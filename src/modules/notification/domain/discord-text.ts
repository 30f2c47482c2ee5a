import { cutForDiscord } from '../../../platform/text';
/** Discord's limit on message content. */
export const DISCORD_CONTENT_LIMIT = 2_000;
/** Cap per filled-in value, so one long title cannot crowd out the rest of the message. */
export const VALUE_LIMIT = 300;

const ZWSP = '\u200b';

/**
 * Cuts to `max` (UTF-16 units, hence also code points; never inside a surrogate pair or, when there is room,
 * a grapheme cluster), marking the cut with an ellipsis. One rule with the discord module's builders.
 */
export const cutText = cutForDiscord;

/**
 * Makes untrusted text inert inside a Discord message:
 * - line breaks and control characters become spaces (no injected headings, quotes or list items);
 * - every markdown character is backslash-escaped (`\ * _ ~ \` | > # - [ ]` and a list number's dot), so the
 *   text shows as typed;
 * - mention, channel, emoji and timestamp syntaxes (`<@…>`, `<@&…>`, `<#…>`, `<:…>`, `<t:…>`) and
 *   `@everyone` / `@here` are broken with a zero-width space, so they cannot ping even when the guild allows
 *   mentions in its templates.
 */
export function escapeDiscordText(value: string, max = VALUE_LIMIT): string {
  const flat = cutText(
    value
      .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
  return flat
    .replace(/[\\*_~`|>#\-[\]]/g, '\\$&')
    .replace(/^(\d+)\./, '$1\\.')
    .replace(/</g, `<${ZWSP}`)
    .replace(/@(everyone|here)/gi, `@${ZWSP}$1`);
}

/**
 * A URL safe to drop into a message: http(s) only, and characters that could end the link or start markdown
 * or a mention percent-encoded. Anything else yields null (the placeholder then stays empty).
 */
export function safeUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  const href = url.href.replace(
    /[<>"'`|*~\\\s()[\]@]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
  );
  return href.length <= 1_000 ? href : null;
}
