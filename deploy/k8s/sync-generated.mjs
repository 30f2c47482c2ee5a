// Regenerates the files in deploy/k8s that copy another file of the repository, because kustomize reads only
// files under its own folder and the Prometheus Operator wants rules wrapped in a PrometheusRule:
//   config/default_config.json    → deploy/k8s/config/default_config.json
//   deploy/prometheus/alerts.yml  → deploy/k8s/components/prometheus-operator/prometheusrule.yaml
// Run from anywhere: node deploy/k8s/sync-generated.mjs. test/deploy/k8s-manifests.spec.ts fails when they drift.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import YAML from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

copyFileSync(join(root, 'config', 'default_config.json'), join(here, 'config', 'default_config.json'));

const alerts = YAML.parse(readFileSync(join(root, 'deploy', 'prometheus', 'alerts.yml'), 'utf8'));
const rule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'kaltura-discord', labels: { 'app.kubernetes.io/name': 'kaltura-discord' } },
  spec: { groups: alerts.groups },
};
const header = [
  '# GENERATED from deploy/prometheus/alerts.yml by `node deploy/k8s/sync-generated.mjs`: edit that file instead.',
  '# The alert rules for the Prometheus Operator. Your Prometheus may select rules by a label',
  '# (for kube-prometheus-stack: release=<helm release>); add it in an overlay.',
  '',
].join('\n');
const target = join(here, 'components', 'prometheus-operator', 'prometheusrule.yaml');
// Formatted as the repository formats YAML, so `prettier --check` stays clean after a sync.
const options = { ...(await prettier.resolveConfig(target)), filepath: target };
writeFileSync(target, await prettier.format(header + YAML.stringify(rule, { lineWidth: 0 }), options));
console.log('deploy/k8s: config/default_config.json and prometheusrule.yaml regenerated');
