import { Global, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Client } from 'discord.js';
import { Settings } from '../../platform/settings';
import { ChannelAccess } from './channel-access.port';
import { DiscordChannelAccess, UnverifiedChannelAccess } from './discord-channel-access';

/** How long a channel verdict is trusted. */
export const CHANNEL_VERDICT_TTL_MS = 60_000;

/**
 * `ChannelAccess`: Discord-backed when a bot token is set (gateway cache first, REST otherwise), else the
 * unverified adapter. Global: meetings, config and notification all check channels through it.
 */
@Global()
@Module({
  providers: [
    {
      provide: ChannelAccess,
      inject: [Settings, ModuleRef],
      useFactory: (settings: Settings, moduleRef: ModuleRef): ChannelAccess => {
        const token = settings.discord.token;
        if (!token) return new UnverifiedChannelAccess();
        let client: Client | undefined | null;
        return new DiscordChannelAccess({
          apiUrl: settings.discord.apiUrl,
          token,
          ttlMs: CHANNEL_VERDICT_TTL_MS,
          requestTimeoutMs: 10_000,
          // The gateway client (necord's, global) exists only when the Discord module runs: looked up lazily.
          client: () => {
            if (client === undefined) {
              try {
                client = moduleRef.get(Client, { strict: false });
              } catch {
                client = null;
              }
            }
            return client ?? undefined;
          },
        });
      },
    },
  ],
  exports: [ChannelAccess],
})
export class ChannelsModule implements OnApplicationShutdown {
  constructor(@Optional() private readonly access?: ChannelAccess) {}

  onApplicationShutdown(): void {
    if (this.access instanceof DiscordChannelAccess) this.access.close();
  }
}
