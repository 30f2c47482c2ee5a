import { existsSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { loadSettings } from '../../src/platform/settings';
import { APP_ENV_NAMES, SECRET_NAMES, loadYaml, repoPath } from './deploy-files';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  command?: string[];
  healthcheck?: { test: string[] };
  read_only?: boolean;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}
interface PromConfig {
  rule_files: string[];
  scrape_configs: Array<{
    job_name: string;
    metrics_path?: string;
    static_configs: Array<{ targets: string[] }>;
  }>;
}

const compose = loadYaml<Compose>('docker-compose.yml');
const { app, prometheus, grafana } = compose.services;

/** `./host:/container[:ro]` → parts; named volumes have a host part without `./`. */
function mounts(service: Service): Array<{ host: string; target: string; bind: boolean }> {
  return (service.volumes ?? []).map((v) => {
    const [host, target] = v.split(':');
    return { host, target, bind: host.startsWith('.') || host.startsWith('/') };
  });
}

/** Where a repository path appears inside a container, through that service's bind mounts. */
function inContainer(service: Service, repoFile: string): string | undefined {
  for (const m of mounts(service).filter((x) => x.bind)) {
    const host = posix.normalize(m.host);
    if (repoFile === host || repoFile.startsWith(`${host}/`)) return m.target + repoFile.slice(host.length);
  }
  return undefined;
}

/** The repository path behind a container path, through that service's bind mounts. */
function onHost(service: Service, containerPath: string): string | undefined {
  for (const m of mounts(service).filter((x) => x.bind)) {
    if (containerPath === m.target || containerPath.startsWith(`${m.target}/`)) {
      return posix.normalize(m.host) + containerPath.slice(m.target.length);
    }
  }
  return undefined;
}

/**
 * Compose's interpolation of `${X}`, `${X:-default}` and `${X:?message}` (unset and empty alike), with `shell` as
 * the environment. A required variable that is missing throws with compose's message.
 */
function interpolate(env: Record<string, string>, shell: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    out[name] = value.replace(
      /\$\{(\w+)(?::([-?])([^}]*))?\}/g,
      (_m, v: string, op?: string, arg?: string) => {
        const given = shell[v];
        if (given !== undefined && given !== '') return given;
        if (op === '?') throw new Error(`compose refuses to start: ${v}: ${arg}`);
        return op === '-' ? (arg ?? '') : '';
      },
    );
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('runs the service, MongoDB, Redis, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'grafana', 'mongo', 'prometheus', 'redis']);
    expect(app.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(existsSync(repoPath(app.build!.dockerfile))).toBe(true);
  });

  it('pins every third-party image to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build) continue;
      expect({ name, image: service.image }).toEqual({
        name,
        image: expect.stringMatching(/^[^:]+:v?\d[\w.-]*$/),
      });
    }
  });

  it('gives the service only variables it knows, in production mode, on MongoDB and Redis', () => {
    const env = app.environment!;
    const unknown = Object.keys(env).filter((name) => !APP_ENV_NAMES.has(name));
    expect(unknown).toEqual([]);
    expect(env.NODE_ENV).toBe('production');
    expect(env.STORAGE).toBe('mongo');
    expect(new URL(env.MONGODB_URI).hostname).toBe('mongo');
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(env.PORT).toBe('3000');
  });

  it('holds no secret value: secrets come from the environment, URLs carry no credentials', () => {
    const env = app.environment!;
    for (const name of Object.keys(env).filter((n) => SECRET_NAMES.has(n))) {
      const value = env[name];
      const interpolated = value.startsWith(`\${${name}:`) || value === `\${${name}}`;
      const credentialFreeUrl = /^(mongodb|redis):\/\/[^@]+$/.test(value);
      expect({ name, ok: interpolated || credentialFreeUrl }).toEqual({ name, ok: true });
    }
    // Production refuses to start without it: compose says so before starting anything.
    expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
  });

  it('starts the service once MongoDB and Redis answer their health checks', () => {
    expect(app.depends_on).toEqual({
      mongo: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(compose.services.mongo.healthcheck?.test).toBeDefined();
    expect(compose.services.redis.healthcheck?.test).toBeDefined();
  });

  it('runs the service with a read-only root filesystem', () => {
    expect(app.read_only).toBe(true);
  });

  it('mounts only files that exist and declares every named volume', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const m of mounts(service)) {
        if (m.bind)
          expect({ name, host: m.host, exists: existsSync(repoPath(m.host)) }).toEqual({
            name,
            host: m.host,
            exists: true,
          });
        else expect(Object.keys(compose.volumes ?? {})).toContain(m.host);
      }
    }
  });

  it('has Prometheus scrape the service at its service name and port, with the alert rules loaded', () => {
    const configFlag = prometheus.command!.find((c) => c.startsWith('--config.file='))!;
    const configInContainer = configFlag.slice('--config.file='.length);
    const configOnHost = onHost(prometheus, configInContainer);
    expect(configOnHost).toBe('deploy/prometheus/prometheus.yml');
    const config = loadYaml<PromConfig>(configOnHost!);

    const job = config.scrape_configs.find((j) => j.job_name === 'kaltura-discord')!;
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job.static_configs.flatMap((s) => s.targets)).toEqual([`app:${app.environment!.PORT}`]);

    // Rule files are resolved relative to the config file, inside the container.
    for (const rules of config.rule_files) {
      const inside = posix.join(posix.dirname(configInContainer), rules);
      const host = onHost(prometheus, inside);
      expect(host && statSync(repoPath(host)).isFile()).toBe(true);
    }
  });

  it('has Grafana provisioned with the datasource, the dashboard provider and the dashboard as home page', () => {
    const datasources = inContainer(grafana, 'deploy/grafana/provisioning/datasources');
    const providers = inContainer(grafana, 'deploy/grafana/provisioning/dashboards');
    expect(datasources).toBe('/etc/grafana/provisioning/datasources');
    expect(providers).toBe('/etc/grafana/provisioning/dashboards');

    const provider = loadYaml<{ providers: Array<{ options: { path: string } }> }>(
      'deploy/grafana/provisioning/dashboards/kaltura-discord.yml',
    );
    const dashboardsOnHost = onHost(grafana, provider.providers[0].options.path);
    expect(dashboardsOnHost).toBe('deploy/grafana/dashboards');

    const home = grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    const homeOnHost = onHost(grafana, home);
    expect(homeOnHost && existsSync(repoPath(homeOnHost))).toBe(true);

    const ds = loadYaml<{ datasources: Array<{ type: string; url: string; uid: string }> }>(
      'deploy/grafana/provisioning/datasources/prometheus.yml',
    ).datasources;
    expect(ds).toHaveLength(1);
    const url = new URL(ds[0].url);
    expect(url.hostname).toBe('prometheus');
    expect(prometheus.ports?.some((p) => p.endsWith(`:${url.port}`))).toBe(true);
  });

  it("publishes every port, the service's included, on the loopback interface only", () => {
    expect(app.ports).toEqual(['127.0.0.1:3000:3000']);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? [])
        expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) });
    }
  });

  it('makes the operator choose KALTURA_MODE: production never runs the sandbox by accident', () => {
    expect(app.environment!.KALTURA_MODE).toMatch(/^\$\{KALTURA_MODE:\?.+\}$/);
    const shell = { JWT_SECRET: 'c'.repeat(48) };
    expect(() => interpolate(app.environment!, shell)).toThrow(/KALTURA_MODE/);
    // Even past compose (an empty value), the service itself refuses, naming the variable.
    const env = interpolate({ ...app.environment!, KALTURA_MODE: '' }, shell);
    expect(() => loadSettings(env)).toThrow(/KALTURA_MODE/);
  });

  it('as shipped, a sandbox trial refuses every webhook; live needs the partner credentials', () => {
    const shell = { JWT_SECRET: 'c'.repeat(48), KALTURA_MODE: 'sandbox' };
    const sandbox = loadSettings(interpolate(app.environment!, shell));
    expect(sandbox.env).toBe('production');
    expect(sandbox.kaltura.mode).toBe('sandbox');
    expect(sandbox.kaltura.webhookSecret).toBeNull();
    expect(() => loadSettings(interpolate(app.environment!, { ...shell, KALTURA_MODE: 'live' }))).toThrow(
      /KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET/,
    );
    const live = loadSettings(
      interpolate(app.environment!, {
        ...shell,
        KALTURA_MODE: 'live',
        KALTURA_PARTNER_ID: '12345',
        KALTURA_ADMIN_SECRET: 'partner-admin-secret',
      }),
    );
    expect(live.kaltura.webhookSecret).toBe('partner-admin-secret');
  });
});
