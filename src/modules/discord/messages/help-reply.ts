import { EmbedBuilder } from 'discord.js';
import type { CommandVersionInfo } from '../interaction/command-version.decorator';
import { NO_MENTIONS, cut } from './meeting-message';

/** One registered command as `/kaltura-help` lists it. */
export interface HelpEntry {
  name: string;
  description: string;
  options: Array<{ name: string; required: boolean }>;
  version?: CommandVersionInfo;
}

function usage(entry: HelpEntry): string {
  const options = entry.options.map((o) => (o.required ? `<${o.name}>` : `[${o.name}]`));
  return ['/' + entry.name, ...options].join(' ');
}

/** `/kaltura-help`: every registered command with its options, version and deprecation, sorted by name. */
export function helpReply(entries: HelpEntry[]) {
  const sorted = [...entries].sort((a, b) => a.name.localeCompare(b.name));
  const lines = sorted.map((entry) => {
    const version = entry.version ? `v${entry.version.version}` : 'unversioned';
    const deprecated = entry.version?.deprecated
      ? `\n  ⚠️ Deprecated since v${entry.version.deprecated.since}: ${entry.version.deprecated.note}`
      : '';
    return `\`${usage(entry)}\` · ${version}\n  ${entry.description}${deprecated}`;
  });
  const embed = new EmbedBuilder()
    .setTitle('Kaltura meetings: commands')
    .setColor(0x5865f2)
    .setDescription(cut(lines.join('\n'), 4096))
    .setFooter({
      text: '<required> [optional] · versions follow semver: a new major version changes how a command is used',
    });
  return { embeds: [embed.toJSON()], components: [], allowedMentions: NO_MENTIONS };
}
