import { readdirSync } from 'node:fs';
import request from 'supertest';
import { SECRET_VARS, envSchema } from '../../src/platform/settings';
import { UNPREFIXED_ROUTES } from '../../src/platform/http';
import { TestApp, bootTestApp } from '../support/app';
import { loadYaml, readRepoFile, repoPath } from './deploy-files';
import { KD_METRICS } from './metric-catalogue';

// Every route, environment variable, metric and alert that docs/ and the README name must exist in the code (or
// the rules): a rename that leaves the docs behind fails here. test/deploy/docs.spec.ts checks links and anchors,
// test/platform/docs.spec.ts the README's variable table.
const FILES = [
  'README.md',
  ...readdirSync(repoPath('docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = FILES.map((f) => ({ file: f, body: readRepoFile(f) }));

/** Every distinct match of `re` (group 1) with the files it appears in. */
function named(re: RegExp): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const { file, body } of text)
    for (const m of body.matchAll(re)) found.set(m[1], [...new Set([...(found.get(m[1]) ?? []), file])]);
  return found;
}

/** TypeScript sources under `dir` (specs excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(repoPath(dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => `${dir}/${f}`);
}

function missing(found: Map<string, string[]>, exists: (name: string) => boolean): string[] {
  return [...found].filter(([name]) => !exists(name)).map(([name, files]) => `${name} (${files.join(', ')})`);
}

describe('names in the docs exist in the code', () => {
  it('environment variables', () => {
    const vars = new Set(Object.keys(envSchema.shape));
    for (const secret of SECRET_VARS) vars.add(`${secret}_FILE`);
    // Prefixes of this service's variables; other upper-case words in backticks are error codes and the like.
    const found = named(
      /`((?:DISCORD|KALTURA|JWT|REDIS|MONGODB|LOG|CORS|CONFIG|STORAGE|PORT|NODE_ENV)[A-Z0-9_]*)[`=]/g,
    );
    // Error codes (`KALTURA_UNAVAILABLE`) and code constants (`KALTURA_MAX_SOCKETS`) share the prefixes: a name
    // the code defines as a string literal or a constant is not an environment variable.
    const code = sourceFiles('src')
      .map((f) => readRepoFile(f))
      .join('\n');
    for (const name of [...found.keys()]) {
      if (!vars.has(name) && new RegExp(`'${name}'|\\b${name} =|const ${name}\\b`).test(code))
        found.delete(name);
    }
    expect(found.size).toBeGreaterThan(15);
    expect(missing(found, (n) => vars.has(n))).toEqual([]);
  });

  it('metrics', () => {
    // Declared in the code: every `kd_` name in a string literal under src/ (the catalogue is what alerts use).
    // kd_dependency_up is the health module's gauge from issue 26 (branch h5): listed here until that lands.
    const declared = new Set([
      'kd_dependency_up',
      ...sourceFiles('src').flatMap((f) => [...readRepoFile(f).matchAll(/'(kd_[a-z_]+)'/g)].map((m) => m[1])),
    ]);
    // `kd_rt_…`/`kd_live_…` are token prefixes (security.md), not metrics: names end in a letter.
    const found = named(/`(kd_[a-z_]*[a-z])(?:\{[^`]*)?`/g);
    for (const suffix of ['_bucket', '_count', '_sum'])
      for (const [name, files] of [...found])
        if (files && name.endsWith(suffix) && declared.has(name.slice(0, -suffix.length))) found.delete(name);
    expect(found.size).toBeGreaterThan(10);
    expect(missing(found, (n) => declared.has(n))).toEqual([]);
    // And the catalogue the alerts and dashboard rely on is all declared.
    expect(Object.keys(KD_METRICS).filter((n) => !declared.has(n))).toEqual([]);
  });

  it('alerts', () => {
    const rules = loadYaml<{ groups: Array<{ rules: Array<{ alert?: string }> }> }>(
      'deploy/prometheus/alerts.yml',
    );
    const alerts = new Set(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).filter(Boolean));
    const found = named(/\b(Kd[A-Z][A-Za-z]+)\b/g);
    expect(found.size).toBeGreaterThan(15);
    expect(missing(found, (n) => alerts.has(n))).toEqual([]);
  });

  describe('routes', () => {
    let t: TestApp;
    let routes: Set<string>;
    beforeAll(async () => {
      // Development on embedded defaults: the trial routes (README "Try it") are mounted there only.
      t = await bootTestApp({ NODE_ENV: 'development' });
      expect(t.settings.trial).toBe(true);
      const doc = (await request(t.app.getHttpServer()).get('/api/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      routes = new Set(
        Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
        ),
      );
      // Outside /api and outside the OpenAPI document.
      for (const r of UNPREFIXED_ROUTES) routes.add(`GET /${r.path}`);
      routes.add('GET /api/docs');
      routes.add('GET /api/docs-json');
    });
    afterAll(() => t.close());

    it('every `METHOD /path` the docs name is served', () => {
      // `GET /x`, `GET\|PATCH /x` (in tables); paths are /api/v1-relative unless they start with a root segment.
      const found = named(
        /`((?:GET|POST|PUT|PATCH|DELETE)(?:\\?\|(?:GET|POST|PUT|PATCH|DELETE))* \/[^`\s?]*)/g,
      );
      expect(found.size).toBeGreaterThan(15);
      // Discord's own API paths (`{id}` or `@me` style, quoted from Discord's docs) and the bench-only probe route
      // (bench/lib/bench-app.ts) are not this service's.
      const foreign =
        /^[A-Z|\\]+ \/(oauth2|users|gateway|interactions|channels|webhooks\/\{|guilds\/\{|api\/v1\/bench\/)/;
      for (const name of [...found.keys()]) if (foreign.test(name)) found.delete(name);
      const served = (entry: string): boolean => {
        const [methods, raw] = entry.split(' ');
        const rooted = /^\/(api|health|metrics|sandbox)\b/.test(raw) ? raw : `/api/v1${raw}`;
        const path = rooted.replace(/:(\w+)/g, '{$1}').replace(/\{(\w+)\}/g, (_m, p: string) => `{${p}}`);
        return methods.split(/\\?\|/).every((m) => routes.has(`${m} ${path}`));
      };
      expect(missing(found, served)).toEqual([]);
    });
  });
});
