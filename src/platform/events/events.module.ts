import { Global, Module } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { RedisConnections } from '../cache';
import { EventBus } from './event-bus';
import { InProcessEventBus } from './in-process-event-bus';
import { RedisEventBus } from './redis-event-bus';

/**
 * The cluster event bus (`EventBus`): Redis streams when `REDIS_URL` is set, process memory without. Needs the
 * global RedisConnections (AppCacheModule) and EventEmitter2 (EventEmitterModule).
 */
@Global()
@Module({
  providers: [
    {
      provide: EventBus,
      inject: [RedisConnections, EventEmitter2],
      useFactory: (redis: RedisConnections, emitter: EventEmitter2): EventBus =>
        redis.enabled ? new RedisEventBus(redis, emitter) : new InProcessEventBus(emitter),
    },
  ],
  exports: [EventBus],
})
export class EventsModule {}
