import { join } from 'node:path';
import ts from 'typescript';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ROOT, loadYaml, loadYamlDocs, parseYamlDocs, run, which } from './deploy-files';

/** A Kubernetes object as read from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface Kustomization {
  resources: string[];
  configMapGenerator?: Array<{ name: string; files?: string[]; envs?: string[] }>;
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
}

interface KindModel {
  /** Validates against the library's JSON schema; throws naming the bad field. */
  validate(doc: unknown): void;
  /** Where the library's TypeScript interface lives, for the unknown-field check. */
  typeModule: string;
  typeName: string;
}

const model = <T extends { validate(): void }>(
  Ctor: new (doc: never) => T,
  typeModule: string,
  typeName: string,
): KindModel => ({ validate: (doc) => new Ctor(doc as never).validate(), typeModule, typeName });

/** The kinds deploy/k8s may contain, each with the well-kept schema it is validated against. */
export const KIND_MODELS: Record<string, KindModel> = {
  'apps/v1/StatefulSet': model(StatefulSet, 'kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet'),
  'v1/Service': model(Service, 'kubernetes-models/v1/Service', 'IService'),
  'v1/ConfigMap': model(ConfigMap, 'kubernetes-models/v1/ConfigMap', 'IConfigMap'),
  'policy/v1/PodDisruptionBudget': model(
    PodDisruptionBudget,
    'kubernetes-models/policy/v1/PodDisruptionBudget',
    'IPodDisruptionBudget',
  ),
  'monitoring.coreos.com/v1/ServiceMonitor': model(
    ServiceMonitor,
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    'IServiceMonitor',
  ),
  'monitoring.coreos.com/v1/PrometheusRule': model(
    PrometheusRule,
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
    'IPrometheusRule',
  ),
};

export const kindKey = (o: K8sObject): string => `${o.apiVersion}/${o.kind}`;

export const kustomization = loadYaml<Kustomization>('deploy/k8s/kustomization.yaml');

/** The Prometheus Operator component (ServiceMonitor, PrometheusRule), relative to deploy/k8s. */
export const OPERATOR_COMPONENT = 'components/prometheus-operator';
export const operatorComponent = loadYaml<{ kind: string; resources: string[] }>(
  `deploy/k8s/${OPERATOR_COMPONENT}/kustomization.yaml`,
);

/** Every object of the resources the kustomization and the operator component list, with its file. */
export function sourceObjects(): Array<{ file: string; object: K8sObject }> {
  const files = [
    ...kustomization.resources,
    ...operatorComponent.resources.map((f) => `${OPERATOR_COMPONENT}/${f}`),
  ];
  return files.flatMap((file) =>
    loadYamlDocs('deploy', 'k8s', file).map((object) => ({ file, object: object as K8sObject })),
  );
}

/** `kubectl kustomize deploy/k8s`, parsed; undefined where kubectl is not installed. */
export function renderKustomize(): K8sObject[] | undefined {
  if (!which('kubectl')) return undefined;
  return parseYamlDocs(run('kubectl', ['kustomize', 'deploy/k8s']), 'kubectl kustomize') as K8sObject[];
}

/**
 * Unknown fields (a `replica:` for `replicas:`) pass the JSON schemas, which allow extra properties. The
 * library's TypeScript interfaces do not: each object becomes an object literal typed with its interface, and
 * the compiler's excess-property check names every field Kubernetes would drop or refuse.
 * @returns one message per problem, empty when every object is clean.
 */
export function unknownFieldProblems(objects: Array<{ name: string; object: K8sObject }>): string[] {
  const file = join(ROOT, 'test', 'deploy', '__k8s_typecheck__.ts');
  const imports = new Set<string>();
  const decls = objects.map(({ object }, i) => {
    const m = KIND_MODELS[kindKey(object)];
    imports.add(`import type { ${m.typeName} } from '${m.typeModule}';`);
    // One object per line, so a diagnostic's line names its object.
    return `export const o${i}: ${m.typeName} = ${JSON.stringify(object)};`;
  });
  const source = [...imports, ...decls].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const sf = program.getSourceFile(file)!;
  return ts.getPreEmitDiagnostics(program, sf).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const line = d.start === undefined ? -1 : sf.getLineAndCharacterOfPosition(d.start).line;
    return `${objects[line - imports.size]?.name ?? 'imports'}: ${message}`;
  });
}

/** Whether a label selector (matchLabels only, as these manifests use) selects the given labels. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
