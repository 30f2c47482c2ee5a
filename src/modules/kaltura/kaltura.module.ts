import { Module } from '@nestjs/common';
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
export class KalturaModule {}
