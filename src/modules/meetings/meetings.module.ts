import { Module } from '@nestjs/common';
// The lint pattern for other modules' `persistence/` folders also matches the platform's own; this is the platform.
import { repositoryProvider } from '../../platform/persistence';
import { ChannelsModule } from '../channels';
import { DiscordOAuthClient } from '../auth';
import { GuildConfigModule } from '../config';
import { KalturaModule } from '../kaltura';
import { GuildMemberDirectory, MeetingCommandPolicy } from './command-policy.service';
import { MeetingRepository } from './meeting.repository';
import { meetingMetricProviders } from './meetings.metrics';
import { MeetingsService } from './meetings.service';
import { InMemoryMeetingRepository } from './persistence/memory-meeting.repository';
import { MongoMeetingRepository } from './persistence/mongo-meeting.repository';

/**
 * Meetings: `MeetingsService` over the configured store (MongoDB or memory) and Kaltura, enforcing the guild's
 * command rules (`MeetingCommandPolicy`). Needs the platform's global providers (settings, persistence, cache,
 * event emitter, metrics) and the global auth module (Discord member lookups).
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
    MeetingsService,
  ],
  exports: [MeetingsService],
})
export class MeetingsModule {}
