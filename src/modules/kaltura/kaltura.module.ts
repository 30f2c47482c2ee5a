import { Module, OnModuleInit } from '@nestjs/common';
import { DependencyDownError, HealthRegistry } from '../../platform/health';
import { Settings } from '../../platform/settings';
import { KalturaClientAdapter } from './kaltura-client.adapter';
import { KalturaSandboxAdapter } from './kaltura-sandbox.adapter';
import { KALTURA_CALL_METRICS, KalturaCallMetrics, kalturaMetricProviders } from './kaltura.metrics';
import { KalturaPort } from './kaltura.port';
import { SandboxLaunchController } from './sandbox-launch.controller';

/** Builds the adapter `settings.kaltura.mode` asks for. */
export function createKalturaPort(settings: Settings, metrics?: KalturaCallMetrics): KalturaPort {
  const k = settings.kaltura;
  return k.mode === 'sandbox' ? new KalturaSandboxAdapter(k) : new KalturaClientAdapter(k, { metrics });
}

/**
 * Provides `KalturaPort`: the live kaltura-client adapter, or the in-process sandbox when no partner is
 * configured. Needs `Settings` (global) and registers its Prometheus metrics in prom-client's default
 * registry. The sandbox launch page is mounted always but answers only in sandbox mode.
 */
@Module({
  controllers: [SandboxLaunchController],
  providers: [
    ...kalturaMetricProviders(),
    { provide: KalturaPort, useFactory: createKalturaPort, inject: [Settings, KALTURA_CALL_METRICS] },
  ],
  exports: [KalturaPort],
})
export class KalturaModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly port: KalturaPort,
    private readonly settings: Settings,
  ) {}

  /**
   * Reported in readiness, not required: an open circuit is Kaltura's outage, shared by every pod; meeting routes
   * answer 503 `KALTURA_UNAVAILABLE` meanwhile, and the pod keeps taking webhooks and the rest of the API.
   */
  onModuleInit(): void {
    const mode = this.settings.kaltura.mode;
    this.health.register({
      name: 'kaltura',
      dependency: 'kaltura',
      required: false,
      check: async () => {
        const circuit = this.port.circuitState();
        if (circuit === 'open')
          throw new DependencyDownError('circuit open: Kaltura calls are failing', { mode, circuit });
        return { mode, circuit };
      },
    });
  }
}
