import { EmbedBuilder } from 'discord.js';
import { cutForDiscord } from '../../../platform/text';
import type { ConfigChange, ConfigChangeResult, ConfigProblem, ConfigView, JsonValue } from '../../config';

/** Discord limits: embed description, all embeds of a message together, embeds per message. */
export const EMBED_DESCRIPTION_MAX = 4096;
export const EMBEDS_TOTAL_MAX = 6000;
const VALUE_SHOWN = 100;
const CHANGES_SHOWN = 10;

const NO_MENTIONS = { parse: [] as [] };
const COLOR = { section: 0x3498db, problem: 0xe67e22, done: 0x2ecc71 };

/** A value as inline code: one line, no backticks (they would end the code span), cut to a readable length. */
export function showValue(value: JsonValue | undefined): string {
  const text =
    value === undefined || value === null
      ? 'none'
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  const flat = text.replace(/\r?\n/g, '⏎').replace(/`/g, "'");
  return `\`${cutForDiscord(flat, VALUE_SHOWN)}\``;
}

/** Keeps whole lines within `budget` characters, saying how many were left out. */
export function packLines(lines: string[], budget: number): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const more = `…and ${lines.length - i} more: view one section, or use the REST API`;
    const rest = lines.length - i - 1;
    // Leave room for the "…and N more" line unless this is the last line.
    if (used + line.length + 1 + (rest > 0 ? more.length + 1 : 0) > budget) {
      out.push(more);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}

function problemText(p: ConfigProblem): string {
  const what = p.guildId === null ? 'The default configuration file' : "This server's stored settings";
  const using = p.using === 'last-good' ? 'its last good version' : 'the defaults';
  const fields = p.errors.slice(0, 5).map((e) => `• \`${e.field}\`: ${e.message}`);
  return [`**${what} could not be used** (${p.kind}); running on ${using}.`, ...fields].join('\n');
}

/** `/kaltura-config-view`: one embed per section, each value marked default or override, problems first. */
export function viewReply(view: ConfigView) {
  const embeds: EmbedBuilder[] = [];
  let budget = EMBEDS_TOTAL_MAX;
  for (const p of view.problems) {
    const text = cutForDiscord(problemText(p), 1000);
    embeds.push(
      new EmbedBuilder().setColor(COLOR.problem).setTitle('⚠️ Configuration problem').setDescription(text),
    );
    budget -= text.length + 30;
  }
  const sections = Object.keys(view.config);
  for (const [i, section] of sections.entries()) {
    const lines = view.entries
      .filter((e) => e.key === section || e.key.startsWith(`${section}.`))
      .map((e) => {
        const key = e.key.slice(section.length + 1) || section;
        return `\`${key}\` ${showValue(e.value)}${e.source === 'override' ? ' · **override**' : ''}`;
      });
    // Share what is left fairly between the sections still to come.
    const share = Math.min(
      EMBED_DESCRIPTION_MAX,
      Math.floor(budget / (sections.length - i)) - section.length - 10,
    );
    const text = packLines(lines.length ? lines : ['(nothing set)'], share);
    embeds.push(new EmbedBuilder().setColor(COLOR.section).setTitle(section).setDescription(text));
    budget -= text.length + section.length;
  }
  const overrides = view.entries.filter((e) => e.source === 'override').length;
  return {
    content: `Kaltura settings of this server: ${overrides} changed from the defaults. Change one with \`/kaltura-config-update\`.`,
    embeds: embeds.map((e) => e.toJSON()),
    allowedMentions: NO_MENTIONS,
  };
}

function changeLines(changes: ConfigChange[]): string[] {
  const lines = changes
    .slice(0, CHANGES_SHOWN)
    .map((c) => `• \`${c.key}\`: ${showValue(c.old)} → ${showValue(c.new)}`);
  if (changes.length > CHANGES_SHOWN) lines.push(`…and ${changes.length - CHANGES_SHOWN} more`);
  return lines;
}

/** Discord's limit on message content. */
const CONTENT_MAX = 2000;

/**
 * `/kaltura-config-update`: what changed, old → new (or that nothing had to). "Updated" only when something
 * was stored and an effective value changed.
 */
export function updateReply(key: string, result: ConfigChangeResult) {
  const content =
    result.written && result.changes.length > 0
      ? [
          `✅ Updated \`${key}\`. It applies everywhere within a second.`,
          ...changeLines(result.changes),
        ].join('\n')
      : `\`${key}\` already has that value: nothing changed.`;
  return { content: cutForDiscord(content, CONTENT_MAX), embeds: [], allowedMentions: NO_MENTIONS };
}

/** `/kaltura-config-reset`. */
export function resetReply(section: string, result: ConfigChangeResult) {
  const what = section === 'all' ? 'All settings are' : `**${section}** is`;
  const content = result.written
    ? [
        `✅ ${what} back to the defaults (${result.changes.length} changed).`,
        ...changeLines(result.changes),
      ].join('\n')
    : `${what} already on the defaults: nothing changed.`;
  return { content: cutForDiscord(content, CONTENT_MAX), embeds: [], allowedMentions: NO_MENTIONS };
}

/** `/kaltura-config-reset` without `confirm: True`. */
export function resetNotConfirmedReply(section: string) {
  return {
    content: `Nothing was reset. To reset ${section === 'all' ? 'all settings' : `**${section}**`}, run the command again with \`confirm: True\`.`,
    embeds: [],
    allowedMentions: NO_MENTIONS,
  };
}
