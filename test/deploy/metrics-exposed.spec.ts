import { register } from 'prom-client';
import request from 'supertest';
import { KalturaPort } from '../../src/modules/kaltura';
import { bootTestApp, TestApp } from '../support/app';
import { FakeKaltura } from '../fakes/kaltura';
import { KD_METRICS, defaultNodeMetrics } from './metric-catalogue';

interface Exposed {
  type: string;
  labels: Set<string>;
  samples: string[];
}

/** Prometheus text format → metric families with the label names their samples carry. */
function parseExposition(text: string): Map<string, Exposed> {
  const families = new Map<string, Exposed>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1], { type: type[2], labels: new Set(), samples: [] });
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s/.exec(line);
    if (!sample || line.startsWith('#')) continue;
    const family =
      families.get(sample[1]) ?? families.get(sample[1].replace(/_(bucket|sum|count)$/, '')) ?? undefined;
    if (!family) continue;
    family.samples.push(line);
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) family.labels.add(m[1]);
  }
  return families;
}

// The alert rules and the dashboard are written against KD_METRICS; this checks that the running service agrees
// with it (names, types, labels), and that the label values the meeting-creation alert selects on are the ones
// the Kaltura adapter really emits.
describe('metrics the service exposes', () => {
  const kaltura = new FakeKaltura();
  let t: TestApp;
  let families: Map<string, Exposed>;

  beforeAll(async () => {
    const { url } = await kaltura.start();
    t = await bootTestApp({
      KALTURA_PARTNER_ID: String(kaltura.partnerId),
      KALTURA_ADMIN_SECRET: kaltura.adminSecret,
      KALTURA_SERVICE_URL: url,
    });
    await t.app
      .get(KalturaPort)
      .createRoom({ guildId: '1001', meetingId: 'm-metrics-1', title: 'Metrics', type: 'meeting' });
    await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    const res = await request(t.app.getHttpServer()).get('/metrics').expect(200);
    families = parseExposition(res.text);
  });

  afterAll(async () => {
    await t?.close();
    await kaltura.stop();
  });

  it('exposes the catalogue metrics with the types and labels the rules and dashboard expect', () => {
    const mismatches: string[] = [];
    for (const [name, spec] of Object.entries(KD_METRICS)) {
      const family = families.get(name);
      if (!family) continue;
      if (spec.type !== family.type)
        mismatches.push(`${name} is a ${family.type}, the catalogue says ${spec.type}`);
      const extra = [...family.labels].filter((l) => l !== 'le' && !spec.labels.includes(l));
      if (extra.length) mismatches.push(`${name} has labels ${extra.join(', ')} the catalogue does not list`);
    }
    // Declared label names too, for metrics with no sample yet.
    for (const [name, spec] of Object.entries(KD_METRICS)) {
      const declared = (register.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined)
        ?.labelNames;
      const extra = (declared ?? []).filter((l) => !spec.labels.includes(l));
      if (extra.length)
        mismatches.push(`${name} declares labels ${extra.join(', ')} the catalogue does not list`);
    }
    expect(mismatches).toEqual([]);
    const pending = Object.keys(KD_METRICS).filter((name) => !families.has(name));
    if (pending.length) console.info(`Not exposed (yet) by the modules in this build: ${pending.join(', ')}`);
    const extra = [...families.keys()].filter((n) => n.startsWith('kd_') && !KD_METRICS[n]);
    if (extra.length) console.info(`Exposed, not on the dashboard or in alerts: ${extra.join(', ')}`);
  });

  it('exposes the HTTP histogram and the Kaltura metrics the alerts are built on', () => {
    for (const name of [
      'kd_http_request_duration_seconds',
      'kd_kaltura_calls_total',
      'kd_kaltura_call_duration_seconds',
      'kd_kaltura_circuit_state',
    ]) {
      expect({ name, exposed: families.has(name) }).toEqual({ name, exposed: true });
    }
  });

  it('labels room creation service="multirequest", action="createRoom" (KdMeetingCreationSlow selects it)', () => {
    const samples = families.get('kd_kaltura_call_duration_seconds')!.samples;
    expect(samples.some((s) => /_bucket\{[^}]*service="multirequest",action="createRoom"/.test(s))).toBe(
      true,
    );
    expect(families.get('kd_kaltura_calls_total')!.samples.join('\n')).toMatch(
      /service="multirequest",action="createRoom",outcome="success"/,
    );
  });

  it('labels HTTP requests by route template', () => {
    expect(families.get('kd_http_request_duration_seconds')!.samples.join('\n')).toMatch(
      /_count\{method="GET",route="\/health\/ready",status="200"\}/,
    );
  });

  it('exposes the Node default metrics the dashboard and alerts use, as prom-client names them', async () => {
    const defaults = await defaultNodeMetrics();
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
    ]) {
      expect(defaults.has(name)).toBe(true);
      expect({ name, exposed: families.has(name) }).toEqual({ name, exposed: true });
    }
  });
});
