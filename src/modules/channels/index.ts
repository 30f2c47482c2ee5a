/**
 * Channels belong to the guild: the only public surface of the channels module.
 *
 * - `ChannelAccess` (inject it; `ChannelsModule` provides it, globally): `check` / `assertUsable` whether the
 *   service may post in a channel of a guild (text, announcement or thread of THAT guild; the bot can view and
 *   send, in threads send in threads), `forget` after Discord refused a post;
 * - `ChannelNotUsableError` (400 `CHANNEL_NOT_USABLE`), `ChannelCheckUnavailableError` (503);
 * - the pure rules (`computeChannelPermissions`, `judgeChannel`) for tests and tools.
 */
export {
  CHANNEL_ERROR_CODES,
  ChannelAccess,
  ChannelCheckUnavailableError,
  ChannelNotUsableError,
} from './channel-access.port';
export type { ChannelVerdict } from './channel-access.port';
export {
  POSTABLE_CHANNEL_TYPES,
  computeChannelPermissions,
  judgeChannel,
  refusalMessage,
} from './domain/channel-rules';
export type { ChannelRefusal, PermissionFacts } from './domain/channel-rules';
export { DiscordChannelAccess, UnverifiedChannelAccess } from './discord-channel-access';
export { ChannelsModule, CHANNEL_VERDICT_TTL_MS } from './channels.module';
