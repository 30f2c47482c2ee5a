import { GatewayIntentBits } from 'discord.js';
import type { NecordModuleOptions } from 'necord';
import type { Settings } from '../../platform/settings';

/**
 * The discord.js client necord creates, from the settings. Only the `Guilds` intent: slash commands, buttons
 * and autocomplete arrive as interactions, and no privileged intent is needed. Messages never ping anyone
 * unless a message says otherwise.
 */
export function necordOptions(settings: Settings): NecordModuleOptions {
  const discord = settings.discord;
  if (!discord.token) throw new Error('necordOptions: DISCORD_TOKEN is unset');
  const shardIds = discord.shardIds;
  return {
    token: discord.token,
    intents: [GatewayIntentBits.Guilds],
    rest: { api: discord.apiUrl },
    allowedMentions: { parse: [] },
    failIfNotExists: false,
    // A development guild gets the commands at once; global commands can take up to an hour to show.
    development: discord.devGuildId ? [discord.devGuildId] : false,
    // Several replicas share the shards: only the one running shard 0 (re)registers the commands.
    skipRegistration: shardIds !== undefined && !shardIds.includes(0),
    ...(shardIds ? { shards: shardIds } : {}),
    ...(discord.shardCount !== undefined ? { shardCount: discord.shardCount } : {}),
  };
}
