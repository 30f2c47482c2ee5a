import request from 'supertest';
import { bootTestApp, TestApp } from '../support/app';

type Operation = {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: Array<Record<string, unknown>>;
  tags?: string[];
  summary?: string;
};
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { example?: unknown }> }>;
    securitySchemes: Record<string, unknown>;
  };
};

/** The REST surface fixed in docs/architecture.md (config and webhooks belong to other modules). */
const ROUTES: Array<[string, string, { auth: boolean; success: string; body?: boolean }]> = [
  ['post', '/api/v1/auth/token', { auth: false, success: '200', body: true }],
  ['post', '/api/v1/auth/refresh', { auth: false, success: '200', body: true }],
  ['get', '/api/v1/auth/me', { auth: true, success: '200' }],
  ['get', '/api/v1/guilds/{guildId}/meetings', { auth: true, success: '200' }],
  ['post', '/api/v1/guilds/{guildId}/meetings', { auth: true, success: '201', body: true }],
  ['get', '/api/v1/guilds/{guildId}/meetings/{id}', { auth: true, success: '200' }],
  ['delete', '/api/v1/guilds/{guildId}/meetings/{id}', { auth: true, success: '200' }],
  ['post', '/api/v1/guilds/{guildId}/meetings/{id}/join', { auth: true, success: '200' }],
  ['post', '/api/v1/guilds/{guildId}/api-keys', { auth: true, success: '201', body: true }],
  ['get', '/api/v1/guilds/{guildId}/api-keys', { auth: true, success: '200' }],
  ['delete', '/api/v1/guilds/{guildId}/api-keys/{id}', { auth: true, success: '200' }],
];

describe('OpenAPI document (/api/docs-json)', () => {
  let t: TestApp;
  let doc: Doc;

  beforeAll(async () => {
    t = await bootTestApp({});
    const res = await request(t.app.getHttpServer()).get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t.close());

  it('is an OpenAPI 3 document with bearer security', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it.each(ROUTES)('describes %s %s', (method, path, expected) => {
    const op = doc.paths[path]?.[method];
    expect(op).toBeDefined();
    expect(op.summary).toBeTruthy();
    expect(op.tags?.length).toBeGreaterThan(0);
    const success = op.responses[expected.success];
    expect(success?.content?.['application/json']?.schema).toBeDefined();
    for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
      expect(op.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name, in: 'path', required: true })]),
      );
    }
    if (expected.body) expect(op.requestBody?.content['application/json']?.schema).toBeDefined();
    expect(op.responses['429']).toBeDefined();
    if (expected.auth) {
      expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
      expect(op.responses['401']?.content?.['application/problem+json']).toBeDefined();
    } else {
      expect(op.security ?? []).toEqual([]);
    }
    if (path.includes('{guildId}'))
      expect(op.responses['403']?.content?.['application/problem+json']).toBeDefined();
  });

  it('resolves every $ref', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(doc.components.schemas[ref]).toBeDefined();
  });

  it('gives request and response DTOs examples', () => {
    const { schemas } = doc.components;
    expect(schemas.CreateMeetingDto.properties?.title.example).toBe('Weekly standup');
    expect(schemas.TokenRequestDto.properties?.grant_type.example).toBe('discord_code');
    expect(schemas.JoinResponseDto.properties?.url.example).toBeDefined();
    expect(schemas.MeetingResponseDto.properties?.apiVersion.example).toBe('1');
  });
});
