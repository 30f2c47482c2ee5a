/**
 * The Discord bot's public surface: import from here only.
 *
 * - `DiscordModule.register(settings)`: the bot when `DISCORD_TOKEN` is set, one log line otherwise;
 * - `necordOptions(settings)`: the discord.js client options it uses (tools and tests);
 * - `DISCORD_METRICS`: metric names.
 */
export { DiscordModule, DiscordGatewayOffNotice } from './discord.module';
export { necordOptions } from './discord-client.options';
export { DISCORD_METRICS } from './discord.metrics';
export { JOIN_BUTTON, END_BUTTON } from './messages/meeting-message';
