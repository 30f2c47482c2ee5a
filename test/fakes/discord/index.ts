/** A local fake Discord (REST v10 + gateway v10) for end-to-end tests with a real discord.js client. */
export { FakeDiscord, type GatewaySessionInfo } from './fake-discord';
export type { GatewayLogEntry, SessionFilter } from './gateway';
export { InteractionHandle } from './interactions';
export { fakeSnowflake, shardOf, snowflakeForShard, snowflakeTime } from './snowflake';
export type { FakeDiscordState } from './state';
export type * from './types';
