import { Registry, collectDefaultMetrics } from 'prom-client';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  type: MetricType;
  /** Label names the service puts on the metric (`le` of histogram buckets excluded). */
  labels: readonly string[];
}

/**
 * The service's own metrics, as issue 8 fixes them: the only `kd_` names alerts and dashboards may use. A
 * rename in the code without this list (and the rules) following fails `metrics-exposed.spec.ts`; a typo in a
 * rule or panel fails the rule and dashboard specs.
 */
export const KD_METRICS: Readonly<Record<string, MetricSpec>> = {
  kd_http_request_duration_seconds: { type: 'histogram', labels: ['method', 'route', 'status'] },
  kd_commands_total: { type: 'counter', labels: ['kind', 'command', 'outcome'] },
  kd_interaction_ack_seconds: { type: 'histogram', labels: ['kind'] },
  kd_kaltura_calls_total: { type: 'counter', labels: ['service', 'action', 'outcome'] },
  kd_kaltura_call_duration_seconds: { type: 'histogram', labels: ['service', 'action'] },
  kd_kaltura_circuit_state: { type: 'gauge', labels: [] },
  kd_webhook_events_total: { type: 'counter', labels: ['type', 'outcome'] },
  kd_notification_delivery_seconds: { type: 'histogram', labels: ['type'] },
  kd_notification_attempts_total: { type: 'counter', labels: ['outcome'] },
  kd_notification_queue_depth: { type: 'gauge', labels: [] },
  kd_notification_suspension_notices_total: { type: 'counter', labels: ['outcome'] },
  kd_discord_rate_limits_total: { type: 'counter', labels: ['scope'] },
  kd_discord_invalid_requests_total: { type: 'counter', labels: ['status'] },
  kd_discord_shard_up: { type: 'gauge', labels: ['shard'] },
  kd_discord_shard_count: { type: 'gauge', labels: [] },
  kd_config_cache_total: { type: 'counter', labels: ['result'] },
  kd_config_invalid_overrides: { type: 'gauge', labels: [] },
  kd_dependency_up: { type: 'gauge', labels: ['dependency'] },
};

/** Labels Prometheus adds to every series of a target (static config, or the Prometheus Operator on Kubernetes). */
export const TARGET_LABELS: readonly string[] = [
  'job',
  'instance',
  'namespace',
  'pod',
  'service',
  'container',
  'endpoint',
];

let defaults: Map<string, MetricSpec> | undefined;

/**
 * Node default metrics (process_*, nodejs_*) exactly as the installed prom-client names and labels them, read
 * from a private registry (the global one stays untouched).
 */
export async function defaultNodeMetrics(): Promise<Map<string, MetricSpec>> {
  if (defaults) return defaults;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  registry.clear();
  defaults = new Map(
    metrics.map((m) => {
      const labels = new Set<string>();
      for (const v of m.values) for (const label of Object.keys(v.labels ?? {})) labels.add(label);
      labels.delete('le');
      return [m.name, { type: String(m.type) as MetricType, labels: [...labels] }];
    }),
  );
  return defaults;
}

/** Every metric an expression may name: the service's, Node's defaults, and Prometheus' `up`. */
export async function knownMetrics(): Promise<Map<string, MetricSpec>> {
  const all = new Map<string, MetricSpec>(Object.entries(KD_METRICS));
  for (const [name, spec] of await defaultNodeMetrics()) all.set(name, spec);
  all.set('up', { type: 'gauge', labels: [] });
  return all;
}
