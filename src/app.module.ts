import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { DestinationStream } from 'pino';
import { AuthModule } from './modules/auth';
import { ChannelsModule } from './modules/channels';
import { GuildConfigModule } from './modules/config';
import { DiscordModule } from './modules/discord';
import { RestApiModule } from './modules/rest-api';
import { KalturaModule } from './modules/kaltura';
import { MeetingsModule } from './modules/meetings';
import { NotificationModule } from './modules/notification';
import { TrialModule } from './modules/trial';
import { WsStreamModule } from './modules/stream';
import { WebhooksOutModule } from './modules/webhooks-out';
import { AppCacheModule } from './platform/cache';
import { EventsModule } from './platform/events';
import { HealthModule } from './platform/health';
import { LoggingModule } from './platform/logging';
import { MetricsModule } from './platform/metrics';
import { PersistenceModule } from './platform/persistence';
import { Settings, SettingsModule } from './platform/settings';

/** Options that only tests and tools set. */
export interface AppOptions {
  /** Where JSON logs go (stdout by default). */
  logStream?: DestinationStream;
}

/** Composition root: the platform, then the feature modules, chosen from the settings. */
@Module({})
export class AppModule {
  static register(settings: Settings, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggingModule.forRoot(settings, options.logStream),
        PersistenceModule.forRoot(settings),
        AppCacheModule.forRoot(settings),
        EventEmitterModule.forRoot({ wildcard: false }),
        EventsModule,
        HealthModule,
        MetricsModule,
        KalturaModule,
        ChannelsModule,
        GuildConfigModule,
        AuthModule,
        RestApiModule,
        MeetingsModule,
        NotificationModule,
        WsStreamModule,
        WebhooksOutModule,
        DiscordModule.register(settings),
        // Development on embedded defaults only (README "Try it"); never mounted otherwise.
        ...(settings.trial ? [TrialModule] : []),
      ],
    };
  }
}
