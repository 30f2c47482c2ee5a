/**
 * Per-guild configuration: the only public surface of the config module.
 *
 * - `GuildConfigService` (inject it; `GuildConfigModule` provides it): `get` for every module that reads a
 *   guild's settings; `view`, `update`, `reset`, `problems`, `history` for the transports that manage them;
 * - the configuration types and constants (`GuildConfig`, `NOTIFICATION_TYPES`, `TEMPLATE_PLACEHOLDERS`,
 *   `COMMAND_NAMES`, `CONFIG_SECTIONS`, `MemberRole`…), the `config.changed` event;
 * - the key catalogue (`sectionKeys`, `resolveKey`) slash commands use to name single settings.
 */
export * from './config.types';
export { GuildConfigService } from './guild-config.service';
export type { ConfigChangeResult } from './guild-config.service';
export { GuildConfigModule } from './config.module';
export { CONFIG_ERROR_CODES } from './config.errors';
export { CONFIG_METRICS } from './config.metrics';
export { CONFIG_CHANGED_EVENT } from './config-invalidation.bus';
export { patchFor, resolveKey, sectionKeys, valueAtKey } from './domain/config-keys';
export type { ConfigKey, ConfigValueKind } from './domain/config-keys';
export { isSnowflake, templateProblems, TEMPLATE_MAX_LENGTH } from './domain/config.schema';
