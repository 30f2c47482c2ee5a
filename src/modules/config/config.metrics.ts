import { Provider } from '@nestjs/common';
import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';

/** Metric names (fixed: dashboards and alerts use them). */
export const CONFIG_METRICS = {
  cache: 'kd_config_cache_total',
  changes: 'kd_config_changes_total',
  invalid: 'kd_config_invalid_overrides',
} as const;

/** Anything that can say how many guilds currently run on a fallback because their override is bad. */
export abstract class ConfigProblemSource {
  abstract problemCount(): number;
}

/** Prometheus providers of the config module (labels are bounded: no guild ids). */
export function configMetricProviders(): Provider[] {
  return [
    makeCounterProvider({
      name: CONFIG_METRICS.cache,
      help: 'Effective-config lookups by result: hit (served from cache) or miss (read from the store).',
      labelNames: ['result'],
    }),
    makeCounterProvider({
      name: CONFIG_METRICS.changes,
      help: 'Guild configuration changes by source: update, reset, reload (file edited on disk).',
      labelNames: ['source'],
    }),
    makeGaugeProvider({
      name: CONFIG_METRICS.invalid,
      help: 'Guilds whose stored override is unreadable or invalid (they run on their last good config).',
      inject: [ConfigProblemSource],
      collect(this: Gauge<string>, source: ConfigProblemSource) {
        this.set(source.problemCount());
      },
    }),
  ];
}
