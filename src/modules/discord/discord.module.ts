import {
  DynamicModule,
  Injectable,
  Logger,
  Module,
  OnModuleInit,
  Provider,
  Type,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA } from '@nestjs/common/constants';
import { Client } from 'discord.js';
import { NECORD_MODULE_OPTIONS, NecordModule } from 'necord';
import { RedisConnections } from '../../platform/cache';
import { Settings } from '../../platform/settings';
import { AuthModule } from '../auth';
import { GuildConfigModule } from '../config';
import { MeetingsModule } from '../meetings';
import { ChannelSuspensions } from '../notification';
import { HelpCommand } from './commands/help.command';
import { MeetingButtons } from './commands/meeting.buttons';
import { MeetingCommands } from './commands/meeting.commands';
import { MeetingLookup } from './commands/meeting-lookup.service';
import { CONFIG_COMMAND_PROVIDERS } from './config';
import { necordOptions } from './discord-client.options';
import { DiscordConnection, backgroundLoginClientProvider } from './discord-connection';
import { DiscordMetrics, discordMetricProviders } from './discord.metrics';
import { InteractionWebhookLane } from './interaction-webhook.lane';
import { CommandAccessService } from './interaction/command-access.service';
import { DiscordExceptionFilter } from './interaction/discord-exception.filter';
import { InteractionClock, InteractionDeadlineGuard } from './interaction/interaction-deadline';
import { ClientEventsListener } from './listeners/client-events.listener';
import { MeetingMessageUpdater } from './listeners/meeting-message.updater';

/** The one line that says the bot is off, so nobody wonders why it does not answer. */
@Injectable()
export class DiscordGatewayOffNotice implements OnModuleInit {
  onModuleInit(): void {
    new Logger('discord').log('Discord gateway off: DISCORD_TOKEN is unset');
  }
}

/**
 * Binds to every handler class: `InteractionDeadlineGuard` (an interaction too old to acknowledge is dropped
 * before any work) and, when the class has no filter of its own, `DiscordExceptionFilter`. A global filter cannot
 * do it: the platform's HTTP filter is registered after `APP_FILTER` providers, so it would be chosen first, and
 * it leaves non-HTTP contexts alone. Factory providers cannot be bound: give those classes
 * `@UseGuards(InteractionDeadlineGuard)` and `@UseFilters(DiscordExceptionFilter)` yourself.
 */
export function withDiscordHandling(providers: Provider[]): Provider[] {
  for (const provider of providers) {
    const cls: Type | undefined =
      typeof provider === 'function' ? provider : 'useClass' in provider ? provider.useClass : undefined;
    if (!cls) continue;
    if (!Reflect.hasMetadata(EXCEPTION_FILTERS_METADATA, cls)) UseFilters(DiscordExceptionFilter)(cls);
    const guards = (Reflect.getMetadata(GUARDS_METADATA, cls) as unknown[] | undefined) ?? [];
    if (!guards.includes(InteractionDeadlineGuard)) UseGuards(InteractionDeadlineGuard)(cls);
  }
  return providers;
}

/** Handler classes: commands, buttons, autocomplete, and the config engineer's `kaltura-config-*` commands. */
const HANDLERS: Provider[] = [MeetingCommands, MeetingButtons, HelpCommand, ClientEventsListener];

/**
 * The Discord bot (necord + discord.js): slash commands, buttons and autocomplete over the meetings, config and
 * auth modules; the meeting message kept up to date. With no `DISCORD_TOKEN` it is a single log line and
 * nothing connects (NecordModule is not even imported).
 */
@Module({})
export class DiscordModule {
  static register(settings: Settings): DynamicModule {
    if (!settings.discord.token) {
      return { module: DiscordModule, providers: [DiscordGatewayOffNotice] };
    }
    const necord = NecordModule.forRootAsync({
      // With Redis, replicas pace their IDENTIFYs together (one per max_concurrency bucket every 5 s).
      useFactory: (s: Settings, redis: RedisConnections) =>
        necordOptions(s, redis.enabled ? redis.client : undefined),
      inject: [Settings, RedisConnections],
    });
    // Listen first: the client necord logs in during bootstrap only returns; DiscordConnection logs in afterwards.
    necord.providers = [...(necord.providers ?? []), backgroundLoginClientProvider(NECORD_MODULE_OPTIONS)];
    return {
      module: DiscordModule,
      imports: [necord, MeetingsModule, GuildConfigModule, AuthModule],
      providers: [
        ...withDiscordHandling([...HANDLERS, ...CONFIG_COMMAND_PROVIDERS]),
        ...discordMetricProviders(),
        DiscordMetrics,
        CommandAccessService,
        InteractionClock,
        InteractionDeadlineGuard,
        MeetingLookup,
        MeetingMessageUpdater,
        // Its state is in the shared cache: this instance sees the suspensions notification delivery made.
        ChannelSuspensions,
        InteractionWebhookLane,
        {
          provide: DiscordConnection,
          useFactory: (client: Client, s: Settings) => new DiscordConnection(client, s.discord.token ?? ''),
          inject: [Client, Settings],
        },
      ],
      exports: [CommandAccessService],
    };
  }
}
