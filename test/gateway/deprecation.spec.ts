import { Controller, Get, Module, NotFoundException } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import request from 'supertest';
import { Deprecated, deprecationHeaders } from '../../src/platform/http';
import { TestApp, bootTestApp } from '../support/app';

const POLICY = {
  since: '2026-01-01T00:00:00Z',
  sunset: '2026-07-01T00:00:00Z',
  link: 'https://docs.example.com/api/migrations/v2-meetings',
};

/** A test-only controller: one deprecated route (decorated either side of @ApiOperation), one current. */
@Controller({ path: 'lifecycle-probe', version: '1' })
class LifecycleProbeController {
  @Get('old')
  @ApiOperation({ summary: 'The old way' })
  @Deprecated(POLICY)
  old() {
    return { ok: true };
  }

  @Deprecated({ since: '2026-03-01T12:00:00Z' })
  @ApiOperation({ summary: 'Old and failing' })
  @Get('old-failing')
  oldFailing() {
    throw new NotFoundException('gone');
  }

  @Get('new')
  @ApiOperation({ summary: 'The new way' })
  current() {
    return { ok: true };
  }
}

@Module({ controllers: [LifecycleProbeController] })
class LifecycleProbeModule {}

describe('@Deprecated: Deprecation (RFC 9745), Sunset (RFC 8594) and OpenAPI', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  beforeAll(async () => {
    t = await bootTestApp({ API_DOCS: 'on' }, { imports: [LifecycleProbeModule] });
  });
  afterAll(() => t.close());

  it('answers a deprecated route with Deprecation, Sunset and Link headers', async () => {
    const res = await http().get('/api/v1/lifecycle-probe/old').expect(200);
    expect(res.headers.deprecation).toBe('@1767225600');
    expect(res.headers.sunset).toBe('Wed, 01 Jul 2026 00:00:00 GMT');
    expect(res.headers.link).toBe(`<${POLICY.link}>; rel="deprecation"; type="text/html"`);
  });

  it('also on its error responses, and only Deprecation when no sunset or link is set', async () => {
    const res = await http().get('/api/v1/lifecycle-probe/old-failing').expect(404);
    expect(res.headers.deprecation).toBe(`@${Date.parse('2026-03-01T12:00:00Z') / 1000}`);
    expect(res.headers.sunset).toBeUndefined();
    expect(res.headers.link).toBeUndefined();
  });

  it('leaves current routes alone', async () => {
    const res = await http().get('/api/v1/lifecycle-probe/new').expect(200);
    expect(res.headers.deprecation).toBeUndefined();
    expect(res.headers.sunset).toBeUndefined();
  });

  it('marks the operations deprecated in OpenAPI, keeping their summaries', async () => {
    const doc = (await http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, { get: { deprecated?: boolean; summary?: string } }>;
    };
    expect(doc.paths['/api/v1/lifecycle-probe/old'].get).toMatchObject({
      deprecated: true,
      summary: 'The old way',
    });
    expect(doc.paths['/api/v1/lifecycle-probe/old-failing'].get).toMatchObject({
      deprecated: true,
      summary: 'Old and failing',
    });
    expect(doc.paths['/api/v1/lifecycle-probe/new'].get.deprecated).toBeUndefined();
  });

  it('refuses a policy that makes no sense when the route is declared', () => {
    expect(() => Deprecated({ since: 'soon' })).toThrow(/since is not a date/);
    expect(() => Deprecated({ since: POLICY.sunset, sunset: POLICY.since })).toThrow(
      /sunset must be a date after/,
    );
    expect(() => Deprecated({ since: POLICY.since, link: 'javascript:alert(1)' })).toThrow(/link/);
    expect(deprecationHeaders({ since: '2026-01-01T00:00:00Z' })).toEqual({ Deprecation: '@1767225600' });
  });
});
