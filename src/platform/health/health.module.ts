import { BeforeApplicationShutdown, Global, Inject, Module, OnModuleInit, Provider } from '@nestjs/common';
import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { TerminusModule } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { RedisConnections } from '../cache';
import { MONGO_CONNECTION } from '../persistence';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';

/** Metric name (fixed: alerts use it). */
export const DEPENDENCY_UP = 'kd_dependency_up';

/**
 * `kd_dependency_up{dependency}`: 1 up, 0 down, for storage, a configured Redis, Kaltura (circuit not open) and the
 * Discord gateway (when `DISCORD_TOKEN` is set). Read at scrape time from the readiness checks, so alerts see
 * Kaltura or Discord down although readiness (rightly) stays green for them.
 */
function dependencyGauge(): Provider {
  return makeGaugeProvider({
    name: DEPENDENCY_UP,
    help: 'Outside dependency reachable from this pod: 1 up, 0 down (storage, redis, kaltura, discord).',
    labelNames: ['dependency'],
    inject: [HealthRegistry],
    async collect(this: Gauge<string>, registry: HealthRegistry) {
      const outcomes = await registry.run(1_000);
      this.reset();
      for (const o of outcomes) if (o.dependency) this.set({ dependency: o.dependency }, o.up ? 1 : 0);
    },
  });
}

/** `/health/live` and `/health/ready`, with the platform's own dependencies (storage, cache) registered. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [HealthRegistry, dependencyGauge()],
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
      dependency: 'storage',
      check: async () => {
        if (!this.mongo) return { kind: 'memory' };
        if (!this.mongo.db) throw new Error('MongoDB is not connected');
        await this.mongo.db.admin().ping();
        return { kind: 'mongo' };
      },
    });
    this.registry.register({
      name: 'cache',
      ...(this.redis.enabled ? { dependency: 'redis' as const } : {}),
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
