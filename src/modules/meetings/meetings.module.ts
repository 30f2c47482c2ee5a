import { MeetingEventsPublisher } from './meeting-events.publisher';
import { Module } from '@nestjs/common';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { RedisConnections } from '../../platform/cache';
// The lint pattern for other modules' `persistence/` folders also matches the platform's own; this is the platform.
import { repositoryProvider } from '../../platform/persistence';
import { ChannelsModule } from '../channels';
import { DiscordOAuthClient } from '../auth';
import { GuildConfigModule, GuildConfigService } from '../config';
import { KalturaModule } from '../kaltura';
import { GuildMemberDirectory, MeetingCommandPolicy } from './command-policy.service';
import { CommandBudget } from './limits/command-budget';
import { MeetingLimits } from './limits/meeting-limits';
import { MemoryStartDeduplicator, RedisStartDeduplicator } from './limits/start-deduplicator';
import { MeetingRepository } from './meeting.repository';
import { MEETING_METRICS, meetingMetricProviders } from './meetings.metrics';
import { MeetingsService } from './meetings.service';
import { InMemoryMeetingRepository } from './persistence/memory-meeting.repository';
import { MongoMeetingRepository } from './persistence/mongo-meeting.repository';

/** Budgets and the duplicate guard in Redis when `REDIS_URL` is set (shared by replicas), in memory otherwise. */
function createMeetingLimits(
  config: GuildConfigService,
  repository: MeetingRepository,
  limited: Counter<string>,
  deduplicated: Counter<string>,
  redis?: RedisConnections,
): MeetingLimits {
  // One retry per command: a dead Redis must not hold a slash command past Discord's deadlines.
  const client = redis?.enabled ? redis.create('meeting-limits', { maxRetriesPerRequest: 1 }) : null;
  return new MeetingLimits(
    config,
    repository,
    new CommandBudget(client),
    client ? new RedisStartDeduplicator(client) : new MemoryStartDeduplicator(),
    limited,
    deduplicated,
  );
}

/**
 * Meetings: `MeetingsService` over the configured store (MongoDB or memory) and Kaltura, enforcing the guild's
 * command rules (`MeetingCommandPolicy`) and limits (`MeetingLimits`). Needs the platform's global providers
 * (settings, persistence, cache, event emitter, metrics) and the global auth module (Discord member lookups).
 */
@Module({
  imports: [KalturaModule, GuildConfigModule, ChannelsModule],
  providers: [
    repositoryProvider(MeetingRepository, {
      memory: () => new InMemoryMeetingRepository(),
      mongo: (connection) => new MongoMeetingRepository(connection),
    }),
    ...meetingMetricProviders(),
    // REST users' Discord roles, for the guild's command rules: the auth module's bot lookup (auth is global).
    { provide: GuildMemberDirectory, useExisting: DiscordOAuthClient },
    MeetingCommandPolicy,
    MeetingEventsPublisher,
    {
      provide: MeetingLimits,
      inject: [
        GuildConfigService,
        MeetingRepository,
        getToken(MEETING_METRICS.limited),
        getToken(MEETING_METRICS.deduplicated),
        { token: RedisConnections, optional: true },
      ],
      useFactory: createMeetingLimits,
    },
    MeetingsService,
  ],
  exports: [MeetingsService],
})
export class MeetingsModule {}
