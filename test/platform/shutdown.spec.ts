import http from 'node:http';
import { HealthRegistry } from '../../src/platform/health';
import { gracefulShutdown } from '../../src/platform/http';
import { TestApp, bootTestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { ProbeController, ProbeModule } from './probe.controller';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({}, { imports: [ProbeModule], listen: true });
  });

  it('finishes an in-flight request, turns readiness down, then refuses new connections', async () => {
    const inFlight = get(`${t.url}/api/v1/probe/slow?ms=700`);
    await eventually(() => ProbeController.slowInFlight === 1, 5_000, 'the slow request to arrive');
    const stopping = gracefulShutdown(t.app, 5_000);
    let closed = false;
    // Still handling the slow request when the shutdown completes would mean it did not wait for it.
    let slowAtClose: number | null = null;
    void stopping.then(() => {
      closed = true;
      slowAtClose = ProbeController.slowInFlight;
    });
    expect(t.app.get(HealthRegistry).isDraining).toBe(true);
    expect(closed).toBe(false);

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ done: true });
    await stopping;
    expect(closed).toBe(true);
    expect(slowAtClose).toBe(0);
    await expect(get(`${t.url}/health/live`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
