import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadYaml, parseYamlDocs, readRepoFile, repoPath, run, which } from './deploy-files';
import {
  K8sObject,
  KIND_MODELS,
  OPERATOR_COMPONENT,
  operatorComponent,
  kindKey,
  kustomization,
  renderKustomize,
  selects,
  sourceObjects,
  unknownFieldProblems,
} from './k8s-resources';

// Manifests are checked against the schemas of kubernetes-models (core kinds) and
// @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule), plus their TypeScript interfaces for
// unknown fields; then for the references between them.
const sources = sourceObjects();
const objects = sources.map((s) => s.object);
const find = (kind: string, name?: string): K8sObject[] =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

type Pods = {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> } };
  };
};
const sts = find('StatefulSet')[0] as K8sObject & Pods;
const podLabels = sts.spec.template.metadata.labels;

describe('deploy/k8s manifests: schemas', () => {
  it('lists only existing files, each holding only kinds we validate', () => {
    for (const file of kustomization.resources)
      expect(existsSync(repoPath('deploy', 'k8s', file))).toBe(true);
    const unknownKinds = objects.map(kindKey).filter((k) => !KIND_MODELS[k]);
    expect(unknownKinds).toEqual([]);
  });

  it.each(sources.map((s) => [`${s.file} ${s.object.kind}/${s.object.metadata.name}`, s.object] as const))(
    '%s matches its JSON schema',
    (_name, object) => {
      expect(() => KIND_MODELS[kindKey(object)].validate(object)).not.toThrow();
    },
  );

  it('holds no field the Kubernetes types do not know', () => {
    const named = sources.map((s) => ({ name: `${s.file} ${s.object.kind}`, object: s.object }));
    expect(unknownFieldProblems(named)).toEqual([]);
  });

  it('would catch a misspelt field and a wrong type (the checks can fail)', () => {
    const broken = structuredClone(sts) as unknown as { spec: Record<string, unknown> };
    broken.spec.replica = broken.spec.replicas;
    expect(
      unknownFieldProblems([{ name: 'broken', object: broken as unknown as K8sObject }]).join(),
    ).toContain('\'"replica"\' does not exist');
    const wrongType = structuredClone(sts) as unknown as { spec: Record<string, unknown> };
    wrongType.spec.replicas = '2';
    expect(() => KIND_MODELS['apps/v1/StatefulSet'].validate(wrongType)).toThrow(/replicas must be integer/);
  });

  (which('kubectl') ? it : it.skip)(
    'the runbook-links component makes every runbook_url absolute under the base URL an overlay sets',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'kd-overlay-'));
      const base = relative(dir, repoPath('deploy', 'k8s'));
      const baseUrl = 'https://git.example.com/ops/kaltura-discord/blob/v0.1.0/';
      try {
        writeFileSync(
          join(dir, 'kustomization.yaml'),
          [
            'apiVersion: kustomize.config.k8s.io/v1beta1',
            'kind: Kustomization',
            `resources: ['${base}']`,
            `components: ['${base}/components/prometheus-operator', '${base}/components/runbook-links']`,
            'configMapGenerator:',
            '  - name: kaltura-discord-runbooks',
            '    options:',
            "      annotations: { config.kubernetes.io/local-config: 'true' }",
            `    literals: ['baseUrl=${baseUrl}']`,
            '',
          ].join('\n'),
        );
        const docs = parseYamlDocs(run('kubectl', ['kustomize', dir]), 'overlay') as K8sObject[];
        expect(docs.filter((o) => o.kind === 'ConfigMap' && /runbooks/.test(o.metadata.name))).toEqual([]);
        const rule = docs.find((o) => o.kind === 'PrometheusRule') as unknown as {
          spec: {
            groups: Array<{ rules: Array<{ alert?: string; annotations?: { runbook_url?: string } }> }>;
          };
        };
        const alerts = rule.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert);
        expect(alerts.length).toBeGreaterThan(10);
        for (const a of alerts) {
          expect(a.annotations?.runbook_url).toBe(`${baseUrl}docs/operations.md#${a.alert!.toLowerCase()}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('keeps the Prometheus Operator resources out of the base, in a component', () => {
    expect(operatorComponent.kind).toBe('Component');
    const baseKinds = kustomization.resources.flatMap((file) =>
      sources.filter((s) => s.file === file).map((s) => s.object.apiVersion),
    );
    expect(baseKinds.filter((v) => v.startsWith('monitoring.coreos.com/'))).toEqual([]);
    expect(find('ServiceMonitor')).toHaveLength(1);
    expect(find('PrometheusRule')).toHaveLength(1);
    for (const file of operatorComponent.resources)
      expect(existsSync(repoPath('deploy', 'k8s', OPERATOR_COMPONENT, file))).toBe(true);
  });

  (which('kubectl') ? it : it.skip)(
    'renders the base without the operator CRDs, and an overlay with the component with them',
    () => {
      expect(
        (renderKustomize() ?? []).filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/')),
      ).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), 'kd-overlay-'));
      const base = relative(dir, repoPath('deploy', 'k8s'));
      try {
        writeFileSync(
          join(dir, 'kustomization.yaml'),
          [
            'apiVersion: kustomize.config.k8s.io/v1beta1',
            'kind: Kustomization',
            `resources: ['${base}']`,
            `components: ['${base}/${OPERATOR_COMPONENT}']`,
            '',
          ].join('\n'),
        );
        const docs = parseYamlDocs(run('kubectl', ['kustomize', dir]), 'overlay') as K8sObject[];
        expect(
          docs
            .filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))
            .map((o) => o.kind)
            .sort(),
        ).toEqual(['PrometheusRule', 'ServiceMonitor']);
        for (const o of docs)
          expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('kaltura-discord');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  const rendered = renderKustomize();
  if (!rendered)
    console.warn('SKIPPED: kubectl is not on PATH, so `kubectl kustomize deploy/k8s` was not rendered.');
  (rendered ? it : it.skip)(
    'renders with kubectl kustomize into valid objects, generated ConfigMaps included',
    () => {
      const docs = rendered!;
      for (const o of docs) {
        expect(KIND_MODELS[kindKey(o)]).toBeDefined();
        expect(() => KIND_MODELS[kindKey(o)].validate(o)).not.toThrow();
      }
      expect(
        unknownFieldProblems(docs.map((o) => ({ name: `rendered ${o.kind}/${o.metadata.name}`, object: o }))),
      ).toEqual([]);
      // Every ConfigMap the StatefulSet uses exists under its hashed name.
      const configMaps = new Set(docs.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
      const used = JSON.stringify(docs.find((o) => o.kind === 'StatefulSet')).match(
        /kaltura-discord-(config|settings)-[a-z0-9]+/g,
      );
      expect(used?.length).toBeGreaterThanOrEqual(2);
      for (const name of used ?? []) expect(configMaps).toContain(name);
      for (const o of docs) expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('kaltura-discord');
    },
  );
});

describe('deploy/k8s manifests: references', () => {
  it('selects the StatefulSet pods consistently (Services, PDB)', () => {
    expect(selects(sts.spec.selector.matchLabels, podLabels)).toBe(true);
    for (const svc of find('Service')) {
      expect({ svc: svc.metadata.name, ok: selects((svc as any).spec.selector, podLabels) }).toEqual({
        svc: svc.metadata.name,
        ok: true,
      });
      for (const port of (svc as any).spec.ports) expect(port.targetPort).toBe('http');
    }
    const [pdb] = find('PodDisruptionBudget') as any[];
    expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it('governs the StatefulSet with a headless Service that also lists unready pods', () => {
    const [headless] = find('Service', (sts.spec as any).serviceName) as any[];
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
  });

  it('scrapes every pod through exactly one Service, under the job name the rules and dashboard use', () => {
    const [monitor] = find('ServiceMonitor') as any[];
    const matching = find('Service').filter((s) =>
      selects(monitor.spec.selector.matchLabels, s.metadata.labels),
    );
    expect(matching.map((s) => s.metadata.name)).toEqual([(sts.spec as any).serviceName]);
    const ports = (matching[0] as any).spec.ports.map((p: { name: string }) => p.name);
    for (const endpoint of monitor.spec.endpoints) {
      expect(ports).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
    }
    const job = matching[0].metadata.labels?.[monitor.spec.jobLabel];
    const prom = loadYaml<{ scrape_configs: Array<{ job_name: string }> }>(
      'deploy/prometheus/prometheus.yml',
    );
    expect(prom.scrape_configs.map((j) => j.job_name)).toContain(job);
    expect(readRepoFile('deploy', 'prometheus', 'alerts.yml')).toContain(`job="${job}"`);
  });

  it('ships the alert rules as a PrometheusRule identical to deploy/prometheus/alerts.yml', () => {
    const [rule] = find('PrometheusRule') as any[];
    const alerts = loadYaml<{ groups: unknown }>('deploy/prometheus/alerts.yml');
    const inSync = isDeepStrictEqual(rule.spec.groups, alerts.groups);
    expect({ inSync, fix: 'run: node deploy/k8s/sync-generated.mjs' }).toEqual({
      inSync: true,
      fix: expect.any(String),
    });
  });

  it('ships config/default_config.json unchanged in the config ConfigMap', () => {
    const generator = kustomization.configMapGenerator?.find((g) => g.name === 'kaltura-discord-config');
    expect(generator?.files).toEqual(['config/default_config.json']);
    const shipped: unknown = JSON.parse(readRepoFile('deploy', 'k8s', 'config', 'default_config.json'));
    const repo: unknown = JSON.parse(readRepoFile('config', 'default_config.json'));
    const inSync = isDeepStrictEqual(shipped, repo);
    expect({ inSync, fix: 'run: node deploy/k8s/sync-generated.mjs' }).toEqual({
      inSync: true,
      fix: expect.any(String),
    });
  });

  it('contains no Secret object and sets a released image tag', () => {
    expect(find('Secret')).toEqual([]);
    const image = kustomization.images?.find((i) => i.name === 'kaltura-discord');
    expect(image?.newTag ?? image?.digest).toMatch(/^(\d+\.\d+\.\d+|sha256:[a-f0-9]{64})$/);
  });
});
