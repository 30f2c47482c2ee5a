import { BeforeApplicationShutdown, Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { RedisConnections } from '../cache';
import { MONGO_CONNECTION } from '../persistence';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';

/** `/health/live` and `/health/ready`, with the platform's own dependencies (storage, cache) registered. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [HealthRegistry],
  exports: [HealthRegistry],
})
export class HealthModule implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly redis: RedisConnections,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection | null,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'storage',
      check: async () => {
        if (!this.mongo) return { kind: 'memory' };
        if (!this.mongo.db) throw new Error('MongoDB is not connected');
        await this.mongo.db.admin().ping();
        return { kind: 'mongo' };
      },
    });
    this.registry.register({
      name: 'cache',
      check: async () => {
        if (!this.redis.enabled) return { kind: 'memory' };
        await this.redis.ping();
        return { kind: 'redis' };
      },
    });
  }

  beforeApplicationShutdown(): void {
    this.registry.markDraining();
  }
}
