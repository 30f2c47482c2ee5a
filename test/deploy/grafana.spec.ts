import { readRepoFile } from './deploy-files';
import { MetricSpec, knownMetrics } from './metric-catalogue';
import { checkPromQl } from './promql-check';

interface Target {
  expr: string;
  refId: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  fieldConfig?: { defaults?: { noValue?: string } };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
}

const dashboard = JSON.parse(
  readRepoFile('deploy', 'grafana', 'dashboards', 'kaltura-discord.json'),
) as Dashboard;
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
const allExpr = exprs.map((e) => e.expr).join('\n');

describe('Grafana dashboard (deploy/grafana/dashboards/kaltura-discord.json)', () => {
  let metrics: Map<string, MetricSpec>;
  beforeAll(async () => {
    metrics = await knownMetrics();
  });

  it('says why the Discord and Kaltura rows are empty when the gateway is off or Kaltura is a sandbox', () => {
    const rows: Record<string, RegExp> = { Discord: /DISCORD_TOKEN unset/, Kaltura: /sandbox mode/ };
    let row = '';
    const checked: string[] = [];
    for (const p of dashboard.panels) {
      if (p.type === 'row') {
        row = p.title.split(' ')[0];
        continue;
      }
      if (!rows[row]) continue;
      expect({ panel: p.title, noValue: p.fieldConfig?.defaults?.noValue }).toEqual({
        panel: p.title,
        noValue: expect.stringMatching(rows[row]),
      });
      checked.push(row);
    }
    expect(new Set(checked)).toEqual(new Set(Object.keys(rows)));
  });

  it('has a stable uid and title and a Grafana 10+ schema', () => {
    expect(dashboard.uid).toBe('kaltura-discord');
    expect(dashboard.title).toBe('kaltura-discord');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  });

  it('selects its Prometheus datasource through a variable, so it imports anywhere', () => {
    const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of panels) {
      expect({ panel: p.title, ds: p.datasource }).toEqual({
        panel: p.title,
        ds: { type: 'prometheus', uid: '${datasource}' },
      });
    }
  });

  it('lays panels out on the 24-column grid without overlaps, with unique ids', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    const overlaps: string[] = [];
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      if (x < 0 || w < 1 || x + w > 24) overlaps.push(`${p.title}: outside the grid`);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const other = cells.get(`${i},${j}`);
          if (other) overlaps.push(`${p.title} overlaps ${other} at ${i},${j}`);
          cells.set(`${i},${j}`, p.title);
        }
      }
    }
    expect(overlaps).toEqual([]);
  });

  it('gives every panel at least one query, with unique refIds', () => {
    for (const p of panels) {
      const refs = (p.targets ?? []).map((t) => t.refId);
      expect({ panel: p.title, queries: refs.length > 0 }).toEqual({ panel: p.title, queries: true });
      expect(new Set(refs).size).toBe(refs.length);
    }
  });

  it('queries only known metrics and labels', () => {
    const problems = exprs.flatMap(({ panel, expr }) =>
      checkPromQl(expr, metrics).map((m) => `${panel}: ${m}`),
    );
    expect(problems).toEqual([]);
  });

  it('shows rates, p50/p95/p99 latencies, errors and saturation', () => {
    const quantiles = (metric: string) =>
      ['0.5', '0.95', '0.99'].every((q) =>
        exprs.some((e) => e.expr.includes(`histogram_quantile(${q}`) && e.expr.includes(`${metric}_bucket`)),
      );
    expect(quantiles('kd_http_request_duration_seconds')).toBe(true);
    expect(quantiles('kd_interaction_ack_seconds')).toBe(true);
    expect(quantiles('kd_kaltura_call_duration_seconds')).toBe(true);
    expect(quantiles('kd_notification_delivery_seconds')).toBe(true);
    expect(allExpr).toMatch(/rate\(kd_http_request_duration_seconds_count/);
    expect(allExpr).toMatch(/status=~"5\.\."/);
    for (const metric of [
      'kd_commands_total',
      'kd_kaltura_calls_total',
      'kd_kaltura_circuit_state',
      'kd_webhook_events_total',
      'kd_notification_attempts_total',
      'kd_notification_queue_depth',
      'kd_discord_rate_limits_total',
      'kd_config_cache_total',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
    ]) {
      expect({ metric, shown: allExpr.includes(metric) }).toEqual({ metric, shown: true });
    }
  });
});
