/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
export const DISCORD_EPOCH = 1420070400000n;

let increment = 0n;

/**
 * Returns a real-looking snowflake (timestamp << 22 | increment) for `at` (default: now). Real snowflakes matter:
 * @discordjs/rest buckets routes by 17–19 digit ids.
 */
export function fakeSnowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** The shard a guild belongs to: `(guildId >> 22) % shardCount`, as Discord routes it. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A fresh snowflake for a guild that lives on shard `shardId` of `shardCount` (for sharding tests). */
export function snowflakeForShard(shardId: number, shardCount: number): string {
  let timestamp = BigInt(Date.now()) - DISCORD_EPOCH;
  timestamp -= (timestamp % BigInt(shardCount)) - BigInt(shardId);
  const id = fakeSnowflake(Number(timestamp + DISCORD_EPOCH));
  if (shardOf(id, shardCount) !== shardId)
    throw new Error(`snowflakeForShard: ${id} is not on shard ${shardId}`);
  return id;
}

/** The creation time encoded in a snowflake. */
export function snowflakeTime(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH));
}
