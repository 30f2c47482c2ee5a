import { GatewayIntentBits, Options } from 'discord.js';
import type { NecordModuleOptions } from 'necord';
import type Redis from 'ioredis';
import { Agent } from 'undici';
import { redisIdentifyThrottler } from './identify-throttler';
import type { Settings } from '../../platform/settings';

/**
 * Connections to the Discord API per process. Without a cap, undici opens one per concurrent request: a crowd of
 * 1,000 joins meant ~2,000 TLS handshakes in a second (defers and edits), then closing them again. Beyond the
 * cap, requests wait for a free keep-alive connection; per-route rate limits make Discord the slower side anyway.
 */
export const DISCORD_REST_CONNECTIONS = 64;

/**
 * Members and users discord.js keeps. It caches everyone who ever sends an interaction, forever: memory that grows
 * with the guild's history. The service reads members from the
 * interaction itself, never from the cache, so a small bounded cache is enough; the bot's own entries stay.
 */
export const DISCORD_MEMBER_CACHE_SIZE = 1_000;

/**
 * The discord.js client necord creates, from the settings. Only the `Guilds` intent: slash commands, buttons
 * and autocomplete arrive as interactions, and no privileged intent is needed. Messages never ping anyone
 * unless a message says otherwise. With `redis`, IDENTIFYs are paced across replicas (`RedisIdentifyThrottler`).
 */
export function necordOptions(settings: Settings, redis?: Redis): NecordModuleOptions {
  const discord = settings.discord;
  if (!discord.token) throw new Error('necordOptions: DISCORD_TOKEN is unset');
  const shardIds = discord.shardIds;
  return {
    token: discord.token,
    intents: [GatewayIntentBits.Guilds],
    rest: {
      api: discord.apiUrl,
      agent: new Agent({ connections: DISCORD_REST_CONNECTIONS, connect: { timeout: 30_000 } }),
    },
    allowedMentions: { parse: [] },
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      GuildMemberManager: {
        maxSize: DISCORD_MEMBER_CACHE_SIZE,
        keepOverLimit: (member) => member.id === member.client.user.id,
      },
      UserManager: {
        maxSize: DISCORD_MEMBER_CACHE_SIZE,
        keepOverLimit: (user) => user.id === user.client.user.id,
      },
    }),
    failIfNotExists: false,
    // A development guild gets the commands at once; global commands can take up to an hour to show.
    development: discord.devGuildId ? [discord.devGuildId] : false,
    // Several replicas share the shards: only the one running shard 0 (re)registers the commands.
    skipRegistration: shardIds !== undefined && !shardIds.includes(0),
    ...(shardIds ? { shards: shardIds } : {}),
    ...(redis
      ? {
          ws: {
            buildIdentifyThrottler: redisIdentifyThrottler(redis, { scope: discord.clientId ?? 'bot' }),
          },
        }
      : {}),
    ...(discord.shardCount !== undefined ? { shardCount: discord.shardCount } : {}),
  };
}
