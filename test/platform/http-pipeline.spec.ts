import request from 'supertest';
import { GENERIC_500_DETAIL } from '../../src/platform/errors';
import { TestApp, bootTestApp } from '../support/app';
import { ProbeModule } from './probe.controller';

describe('HTTP pipeline (configureApp)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await bootTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  const expectProblem = (res: request.Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, title: expect.any(String), type: expect.any(String) });
    expect(res.body.requestId).toEqual(res.headers['x-request-id']);
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  };

  describe('routing', () => {
    it('serves controllers under /api/v1 by default', async () => {
      const res = await http().post('/api/v1/probe').send({ name: 'a', count: 2 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ apiVersion: '1', name: 'a', count: 2 });
    });

    it('does not serve versioned routes without prefix or version', async () => {
      expectProblem(await http().post('/probe').send({ name: 'a', count: 2 }), 404, 'NOT_FOUND');
      expectProblem(await http().post('/api/probe').send({ name: 'a', count: 2 }), 404, 'NOT_FOUND');
      expectProblem(await http().post('/api/v2/probe').send({ name: 'a', count: 2 }), 404, 'NOT_FOUND');
    });

    it('serves health and metrics unprefixed and unversioned', async () => {
      expect((await http().get('/health/live')).status).toBe(200);
      const ready = await http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details).toMatchObject({ storage: { status: 'up' }, cache: { status: 'up' } });
      const metrics = await http().get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('kd_http_request_duration_seconds');
      expect(metrics.text).toMatch(/kd_http_request_duration_seconds_count\{[^}]*route="\/health\/ready"/);
      expect((await http().get('/api/v1/health/live')).status).toBe(404);
      expect((await http().get('/api/health/live')).status).toBe(404);
      expect((await http().get('/api/v1/metrics')).status).toBe(404);
    });

    it('labels metrics by route template, never by raw path', async () => {
      await http().get('/no/such/path/123');
      const metrics = (await http().get('/metrics')).text;
      expect(metrics).toContain('route="unmatched"');
      expect(metrics).not.toContain('/no/such/path/123');
    });

    it('publishes OpenAPI at /api/docs-json', async () => {
      const res = await http().get('/api/docs-json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toContain('/api/v1/probe');
    });

    it('sets security headers', async () => {
      const res = await http().get('/health/live');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('errors as RFC 9457 problem+json', () => {
    it('404 for an unknown route, with requestId', async () => {
      const res = await http().get('/nope');
      expectProblem(res, 404, 'NOT_FOUND');
      expect(res.body.instance).toBe('/nope');
    });

    it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
      const res = await http().get('/nope').set('X-Request-Id', 'abc-123');
      expect(res.body.requestId).toBe('abc-123');
      const bad = await http().get('/nope').set('X-Request-Id', 'bad id with spaces');
      expect(bad.body.requestId).not.toBe('bad id with spaces');
    });

    it('400 with errors[] for validation failures, naming every field', async () => {
      const res = await http()
        .post('/api/v1/probe')
        .send({ name: 'x'.repeat(11), count: 9, extra: true });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.apiVersion).toBe('1');
      const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
      expect(fields).toEqual(['count', 'extra', 'name']);
    });

    it('400 for malformed JSON and 413 for an oversized body', async () => {
      const bad = await http().post('/api/v1/probe').set('Content-Type', 'application/json').send('{"name":');
      expectProblem(bad, 400, 'MALFORMED_BODY');
      const big = await http()
        .post('/api/v1/probe')
        .send({ name: 'a', count: 1, pad: 'x'.repeat(200_000) });
      expectProblem(big, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('maps domain errors to their status and code', async () => {
      const res = await http().get('/api/v1/probe/domain');
      expectProblem(res, 404, 'PROBE_NOT_FOUND');
      expect(res.body.detail).toBe('No such probe.');
      expectProblem(await http().get('/api/v1/probe/unavailable'), 503, 'KALTURA_UNAVAILABLE');
    });

    it('answers an unexpected error with a generic 500 that reveals nothing', async () => {
      const res = await http().get('/api/v1/probe/crash');
      expectProblem(res, 500, 'INTERNAL_ERROR');
      expect(res.body.detail).toBe(GENERIC_500_DETAIL);
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
      // …but it is logged, under the same request id, with the secret-looking text intact only if not configured.
      const logged = t.logs.records().find((r) => r.msg === 'Unhandled error');
      expect(logged?.requestId).toBe(res.body.requestId);
    });
  });
});
