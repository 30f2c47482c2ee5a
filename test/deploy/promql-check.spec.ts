import { KD_METRICS, MetricSpec, knownMetrics } from './metric-catalogue';
import { checkPromQl } from './promql-check';

// The checker guards the alert rules and the dashboard against typos; these cases prove it catches them.
describe('checkPromQl', () => {
  let metrics: Map<string, MetricSpec>;
  beforeAll(async () => {
    metrics = await knownMetrics();
  });

  it.each([
    'sum(rate(kd_commands_total{command="kaltura-start", outcome!="success"}[5m]))',
    'histogram_quantile(0.95, sum by (le, route) (rate(kd_http_request_duration_seconds_bucket{route=~"/api/.+"}[$__rate_interval])))',
    'max by (instance) (nodejs_eventloop_lag_p99_seconds{job="kaltura-discord", instance=~"$instance"})',
    'sum(up{job="kaltura-discord"}) == 0 or absent(up{job="kaltura-discord"})',
    'kd_kaltura_circuit_state == 2',
    'sum by (method, route) (rate(kd_http_request_duration_seconds_count[5m])) > 0.1 unless on (method, route) kd_http_request_duration_seconds_count{method="POST"}',
  ])('accepts %s', (expr) => {
    expect(checkPromQl(expr, metrics)).toEqual([]);
  });

  it.each([
    ['sum(rate(kd_command_total[5m]))', 'unknown metric kd_command_total'],
    [
      'rate(kd_http_request_duration_seconds[5m])',
      'histogram kd_http_request_duration_seconds has no series',
    ],
    ['sum(rate(kd_commands_total{comand="x"}[5m]))', 'kd_commands_total has no label "comand"'],
    ['sum by (guildId) (rate(kd_commands_total[5m]))', 'grouping by "guildId"'],
    [
      'histogram_quantile(0.95, sum by (route) (rate(kd_http_request_duration_seconds_bucket[5m])))',
      'without keeping "le"',
    ],
    ['nodejs_eventloop_lag_p99 > 0.2', 'unknown metric nodejs_eventloop_lag_p99'],
    ['sum(rate(kd_commands_total[5m])', 'unclosed "("'],
    ['kd_notification_queue_depth{state="waiting"}', 'kd_notification_queue_depth has no label "state"'],
  ])('rejects %s', (expr, problem) => {
    const problems = checkPromQl(expr, metrics);
    expect(problems.join('\n')).toContain(problem);
  });

  it('knows every service metric and the Node defaults the dashboard uses', () => {
    for (const name of Object.keys(KD_METRICS)) expect(metrics.has(name)).toBe(true);
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(metrics.get(name)).toBeDefined();
    }
  });
});
