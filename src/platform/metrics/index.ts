export * from './metrics.module';
export { DISCORD_INVALID_REQUESTS, DiscordInvalidRequests } from './discord-invalid-requests';
