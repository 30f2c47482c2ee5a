import { DISCORD_CONTENT_LIMIT, cutText, escapeDiscordText, safeUrl } from './discord-text';

/** Placeholders whose value is a link: checked and encoded as a URL rather than escaped as text. */
const URL_PLACEHOLDERS = new Set(['recording.url']);
/**
 * Placeholders allowed more than the usual per-value cap: the attendance list is already bounded by its builder
 * (`INLINE_NAMES_CHARS`); the message as a whole is still cut to Discord's limit.
 */
const VALUE_LIMITS: Readonly<Record<string, number>> = { 'attendance.names': DISCORD_CONTENT_LIMIT };
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/g;

/**
 * Fills a guild template. Values are untrusted (titles, display names, Kaltura entry names) and are escaped;
 * the template itself is the guild admins' text and is used as written. Unknown placeholders are left visible
 * so an admin notices the typo. The result fits Discord's 2,000-character limit and is never empty.
 */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, string | null | undefined>>,
  fallback = 'Notification',
): string {
  const filled = template.replace(PLACEHOLDER, (whole, key: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, key)) return whole;
    const raw = values[key];
    if (raw === null || raw === undefined || raw === '') return '';
    return URL_PLACEHOLDERS.has(key) ? (safeUrl(raw) ?? '') : escapeDiscordText(raw, VALUE_LIMITS[key]);
  });
  const content = cutText(filled.trim(), DISCORD_CONTENT_LIMIT);
  return content === '' ? fallback : content;
}
