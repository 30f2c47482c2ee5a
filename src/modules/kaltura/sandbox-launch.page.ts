import type { SandboxRoom } from './kaltura-sandbox.adapter';
import type { ParsedKs } from './ks.codec';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export interface LaunchView {
  ks: ParsedKs;
  room?: Readonly<SandboxRoom>;
  /** Unix seconds. */
  now: number;
}

const ROLE_LABEL: Record<string, string> = {
  '0': 'host / moderator',
  '3': 'attendee',
};

function describeExpiry(expiry: number, now: number): string {
  const minutes = Math.max(0, Math.round((expiry - now) / 60));
  return `${new Date(expiry * 1000).toISOString()} (in about ${minutes} min)`;
}

/**
 * The sandbox's stand-in for Kaltura's meeting room: shows what the launch KS carries. Every value is
 * escaped: names come from Discord and titles from users.
 */
export function renderLaunchPage({ ks, room, now }: LaunchView): string {
  const p = ks.privileges;
  const name = [p.firstName, p.lastName].filter((v) => v !== undefined && v !== '').join(' ');
  const contextual = p.userContextualRole ?? '';
  const rows: Array<[string, string]> = [
    ['Meeting', room ? `${room.name} (${room.type}, ${room.status})` : 'unknown room'],
    ['Meeting id', room?.meetingId ?? '-'],
    ['Kaltura room (resourceId)', p.resourceId ?? '-'],
    ['Scheduled session (eventId)', room ? String(room.eventId) : (p.eventId ?? '-')],
    ['User', ks.userId || '(anonymous)'],
    ['Name', name || '-'],
    [
      'Role',
      `${p.role ?? '-'} / userContextualRole ${contextual || '-'} (${ROLE_LABEL[contextual] ?? 'unknown'})`,
    ],
    ['Link expires', describeExpiry(ks.expiry, now)],
    ['Partner', String(ks.partnerId)],
  ];
  const privileges = Object.entries(p)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Kaltura sandbox launch</title>
<style>
body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
dt{font-weight:600;margin-top:.6rem}dd{margin:0}table{border-collapse:collapse}
th,td{text-align:left;padding:.2rem .6rem;border-bottom:1px solid #ddd}.note{color:#555}
</style>
</head>
<body>
<h1>Kaltura sandbox launch</h1>
<p class="note">This service runs without a Kaltura account (sandbox mode). With a real partner, this link would
open the Kaltura meeting room below through KAF (<code>/virtualEvent/launch</code>) with these settings.</p>
<dl>
${rows.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}
</dl>
<h2>Session privileges</h2>
<table>${privileges}</table>
</body>
</html>
`;
}
