import type { Provider } from '@nestjs/common';
import { ConfigAdminAccess } from './config-admin.access';
import { ConfigCommands } from './config.commands';

/**
 * Slash-command handlers for `kaltura-config-view`, `kaltura-config-update` (with autocomplete) and
 * `kaltura-config-reset`, plus the admin check they share. The Discord module spreads these into its
 * providers; they need `GuildConfigService` (config), `CommandAccessService` and `DiscordMetrics` (discord).
 */
export const CONFIG_COMMAND_PROVIDERS: Provider[] = [ConfigCommands, ConfigAdminAccess];

export { CONFIG_COMMANDS } from './config.commands';
