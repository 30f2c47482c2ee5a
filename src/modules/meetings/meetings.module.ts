import { Module } from '@nestjs/common';
// The lint pattern for other modules' `persistence/` folders also matches the platform's own; this is the platform.
import { repositoryProvider } from '../../platform/persistence';
import { ChannelsModule } from '../channels';
import { KalturaModule } from '../kaltura';
import { MeetingRepository } from './meeting.repository';
import { meetingMetricProviders } from './meetings.metrics';
import { MeetingsService } from './meetings.service';
import { InMemoryMeetingRepository } from './persistence/memory-meeting.repository';
import { MongoMeetingRepository } from './persistence/mongo-meeting.repository';

/**
 * Meetings: `MeetingsService` over the configured store (MongoDB or memory) and Kaltura. Needs the platform's
 * global providers (settings, persistence, cache, event emitter, metrics).
 */
@Module({
  imports: [KalturaModule, ChannelsModule],
  providers: [
    repositoryProvider(MeetingRepository, {
      memory: () => new InMemoryMeetingRepository(),
      mongo: (connection) => new MongoMeetingRepository(connection),
    }),
    ...meetingMetricProviders(),
    MeetingsService,
  ],
  exports: [MeetingsService],
})
export class MeetingsModule {}
