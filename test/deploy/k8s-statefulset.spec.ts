import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import request from 'supertest';
import { loadSettings } from '../../src/platform/settings';
import { bootTestApp } from '../support/app';
import { APP_ENV_NAMES, SECRET_NAMES, loadYamlDocs, readRepoFile } from './deploy-files';
import { parseDockerfile } from './dockerfile';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  command: string[];
  args: string[];
  env: EnvVar[];
  ports: Array<{ name: string; containerPort: number }>;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[] } };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface StatefulSet {
  spec: {
    replicas: number;
    template: {
      spec: {
        automountServiceAccountToken: boolean;
        securityContext: Record<string, unknown>;
        containers: Container[];
        volumes: Array<{
          name: string;
          secret?: { secretName: string; defaultMode: number };
          configMap?: { name: string };
          emptyDir?: object;
        }>;
      };
    };
  };
}

const sts = loadYamlDocs('deploy/k8s/statefulset.yaml')[0] as StatefulSet;
const pod = sts.spec.template.spec;
const [container] = pod.containers;
const env = new Map(container.env.map((e) => [e.name, e]));
const value = (name: string): string | undefined => env.get(name)?.value;
/** Variables only the manifest's start-up snippet and Node read; the service never sees them as settings. */
const MANIFEST_ONLY = new Set(['POD_NAME', 'SHARDS_PER_POD', 'NODE_OPTIONS']);

const settingsEnv = Object.fromEntries(
  readRepoFile('deploy', 'k8s', 'settings.env')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
) as Record<string, string>;

const replicas = sts.spec.replicas;
const perPod = Number(value('SHARDS_PER_POD') ?? '1');
const shardCount = Number(value('DISCORD_SHARD_COUNT'));

/** Runs the container's start-up snippet as pod `ordinal` would, with `node` replaced by a stub that prints. */
function shardIdsOf(podName: string, extraEnv: Record<string, string> = {}): string {
  const bin = mkdtempSync(join(tmpdir(), 'kd-node-stub-'));
  try {
    writeFileSync(join(bin, 'node'), '#!/bin/sh\nprintf "%s|%s" "$DISCORD_SHARD_IDS" "$*"\n');
    chmodSync(join(bin, 'node'), 0o755);
    const [shell, flag] = container.command;
    return execFileSync(shell, [flag, container.args[0]], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        POD_NAME: podName,
        SHARDS_PER_POD: String(perPod),
        ...extraEnv,
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe('StatefulSet: Discord shards per pod ordinal', () => {
  it('runs at least two replicas and owns exactly replicas × SHARDS_PER_POD shards', () => {
    expect(replicas).toBeGreaterThanOrEqual(2);
    expect(perPod).toBeGreaterThanOrEqual(1);
    expect(shardCount).toBe(replicas * perPod);
    // The ids are derived at start-up, never fixed in the manifest or the settings.
    expect(env.has('DISCORD_SHARD_IDS')).toBe(false);
    expect(settingsEnv.DISCORD_SHARD_IDS).toBeUndefined();
    expect(settingsEnv.DISCORD_SHARD_COUNT).toBeUndefined();
  });

  it('gives each pod its own shards, together all of them, then execs node dist/main.js', () => {
    const owned = Array.from({ length: replicas }, (_x, ordinal) => {
      const [ids, args] = shardIdsOf(`kaltura-discord-${ordinal}`).split('|');
      expect(args).toBe('dist/main.js');
      return ids.split(',').map(Number);
    });
    const all = owned.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: shardCount }, (_x, i) => i));
  });

  it('splits several shards per pod the same way', () => {
    expect(shardIdsOf('kaltura-discord-0', { SHARDS_PER_POD: '3' }).split('|')[0]).toBe('0,1,2');
    expect(shardIdsOf('kaltura-discord-1', { SHARDS_PER_POD: '3' }).split('|')[0]).toBe('3,4,5');
  });

  it('refuses to start when the pod name carries no ordinal', () => {
    expect(() => shardIdsOf('kaltura-discord')).toThrow(/cannot read the StatefulSet ordinal/);
  });

  it('routes every guild to exactly one pod: shard = (guild_id >> 22) % DISCORD_SHARD_COUNT', () => {
    const owners = Array.from({ length: replicas }, (_x, ordinal) =>
      shardIdsOf(`kaltura-discord-${ordinal}`).split('|')[0].split(',').map(Number),
    );
    // Snowflakes spread from 2016 on (the timestamp sits above bit 22), deterministic.
    for (let i = 0n; i < 500n; i++) {
      const ms = 31_536_000_000n + i * 600_000_007n;
      const guildId = (ms << 22n) | ((i * 2_654_435_761n) % 4_194_304n);
      const shard = Number((guildId >> 22n) % BigInt(shardCount));
      expect(owners.filter((ids) => ids.includes(shard))).toHaveLength(1);
    }
  });

  it('produces shard settings the service accepts', () => {
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      const ids = shardIdsOf(`kaltura-discord-${ordinal}`).split('|')[0];
      const settings = loadSettings({ DISCORD_SHARD_IDS: ids, DISCORD_SHARD_COUNT: String(shardCount) });
      expect(settings.discord.shardIds).toEqual(ids.split(',').map(Number));
      expect(settings.discord.shardCount).toBe(shardCount);
    }
  });
});

describe('StatefulSet: configuration and secrets', () => {
  const secretVolume = pod.volumes.find((v) => v.secret)!;
  const secretMount = container.volumeMounts.find((m) => m.name === secretVolume.name)!;

  it('sets only variables the service (or the start-up snippet) knows', () => {
    const unknown = [...env.keys(), ...Object.keys(settingsEnv)].filter(
      (n) => !APP_ENV_NAMES.has(n) && !MANIFEST_ONLY.has(n),
    );
    expect(unknown).toEqual([]);
  });

  it('never holds a secret value: secrets are files from the Secret, named by *_FILE', () => {
    for (const name of SECRET_NAMES) {
      // The optional ones come from the Secret by reference (absent key: unset), never as a value.
      const inline = name in settingsEnv || (env.has(name) && env.get(name)!.value !== undefined);
      expect({ name, inline }).toEqual({ name, inline: false });
    }
    for (const [name, v] of env) {
      if (!name.endsWith('_FILE')) continue;
      expect(v.value?.startsWith(`${secretMount.mountPath}/`)).toBe(true);
      // The Secret's key is the variable's name.
      expect(basename(v.value!)).toBe(name.slice(0, -'_FILE'.length));
    }
    // Multi-replica needs the shared stores; the bot and Kaltura need their credentials.
    for (const name of ['DISCORD_TOKEN', 'KALTURA_ADMIN_SECRET', 'JWT_SECRET', 'MONGODB_URI', 'REDIS_URL']) {
      expect(env.has(`${name}_FILE`)).toBe(true);
    }
    expect(secretMount.readOnly).toBe(true);
    // Group-readable for fsGroup, nothing for others.
    expect(secretVolume.secret!.defaultMode & 0o040).toBe(0o040);
    expect(secretVolume.secret!.defaultMode & 0o007).toBe(0);
  });

  it('takes the optional secrets from the Secret with optional: true, so a missing key leaves them unset', () => {
    const secretName = secretVolume.secret!.secretName;
    for (const name of ['DISCORD_CLIENT_SECRET', 'KALTURA_WEBHOOK_SECRET']) {
      expect({ name, valueFrom: env.get(name)?.valueFrom }).toEqual({
        name,
        valueFrom: { secretKeyRef: { name: secretName, key: name, optional: true } },
      });
    }
    // Every reference into a Secret is optional: the required secrets are files (above).
    for (const [name, v] of env) {
      const ref = (v.valueFrom as { secretKeyRef?: { optional?: boolean } } | undefined)?.secretKeyRef;
      if (ref) expect({ name, optional: ref.optional }).toEqual({ name, optional: true });
    }
  });

  it('mounts config/ from the ConfigMap where CONFIG_DIR points', () => {
    const volume = pod.volumes.find((v) => v.configMap?.name === 'kaltura-discord-config')!;
    const mount = container.volumeMounts.find((m) => m.name === volume.name)!;
    expect(value('CONFIG_DIR')).toBe(mount.mountPath);
  });

  it('is a valid production configuration once the operator sets the Kaltura partner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-secrets-'));
    try {
      const files: Record<string, string> = {
        DISCORD_TOKEN: 'test-token',
        KALTURA_ADMIN_SECRET: 'test-admin-secret',
        JWT_SECRET: 'x'.repeat(48),
        MONGODB_URI: 'mongodb://mongo.example:27017/kd',
        REDIS_URL: 'redis://redis.example:6379/0',
      };
      const podEnv: Record<string, string> = { ...settingsEnv };
      for (const [name, v] of env) {
        if (v.value === undefined) continue;
        if (name.endsWith('_FILE')) {
          const key = name.slice(0, -'_FILE'.length);
          writeFileSync(join(dir, key), `${files[key]}\n`);
          podEnv[name] = join(dir, key);
        } else podEnv[name] = v.value;
      }
      podEnv.DISCORD_SHARD_IDS = '0';
      // As shipped, the partner id is empty: the pods refuse to start and say which variable is missing.
      expect(() => loadSettings(podEnv)).toThrow(/KALTURA_PARTNER_ID/);
      const settings = loadSettings({ ...podEnv, KALTURA_PARTNER_ID: '12345' });
      expect(settings.env).toBe('production');
      expect(settings.storage.kind).toBe('mongo');
      expect(settings.redis.url).toBe(files.REDIS_URL);
      expect(settings.sources.JWT_SECRET).toBe('file');
      expect(settings.http.port).toBe(container.ports[0].containerPort);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('StatefulSet: probes, resources, security', () => {
  it('probes liveness and start-up on /health/live and readiness on /health/ready, on the HTTP port', () => {
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    const http = container.ports.find((p) => p.name === 'http')!;
    expect(http.containerPort).toBe(Number(value('PORT')));
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      expect(probe.httpGet.port).toBe('http');
    }
  });

  it('probes paths the service answers with 200 when healthy', async () => {
    const t = await bootTestApp();
    try {
      for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
        const res = await request(t.app.getHttpServer()).get(probe.httpGet.path);
        expect({ path: probe.httpGet.path, status: res.status }).toEqual({
          path: probe.httpGet.path,
          status: 200,
        });
      }
    } finally {
      await t.close();
    }
  });

  it('requests and limits CPU and memory, with the V8 heap inside the memory limit', () => {
    for (const kind of ['requests', 'limits'] as const) {
      expect(container.resources[kind].cpu).toBeDefined();
      expect(container.resources[kind].memory).toBeDefined();
    }
    const limitMi = Number(/^(\d+)Mi$/.exec(container.resources.limits.memory)?.[1]);
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(value('NODE_OPTIONS') ?? '')?.[1]);
    expect(heapMb).toBeGreaterThan(0);
    expect(heapMb).toBeLessThan(limitMi * 0.85);
  });

  it('has the resources docs/deployment.md states', () => {
    const { requests, limits } = container.resources;
    const heapMb = /--max-old-space-size=(\d+)/.exec(value('NODE_OPTIONS') ?? '')?.[1];
    expect(readRepoFile('docs', 'deployment.md').replace(/\s+/g, ' ')).toContain(
      `requests \`cpu: ${requests.cpu}\`, \`memory: ${requests.memory}\`; limits \`cpu: ${limits.cpu}\`, ` +
        `\`memory: ${limits.memory}\`**, and \`--max-old-space-size=${heapMb}\``,
    );
  });

  it('runs as the image user, non-root, read-only, without privileges or the API token', () => {
    const { stages } = parseDockerfile(readRepoFile('Dockerfile'));
    const users = stages[stages.length - 1].instructions.filter((i) => i.keyword === 'USER');
    const imageUid = Number(users[users.length - 1].args.split(':')[0]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: imageUid });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.securityContext.capabilities.drop).toEqual(['ALL']);
    const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp')!;
    expect(pod.volumes.find((v) => v.name === tmp.name)?.emptyDir).toBeDefined();
  });
});
