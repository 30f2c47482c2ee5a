/** Per-guild configuration: the only public surface of the config module. */
export * from './config.types';
export { GuildConfigService } from './guild-config.service';
export { GuildConfigModule } from './config.module';
