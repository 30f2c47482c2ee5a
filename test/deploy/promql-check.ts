import { MetricSpec, TARGET_LABELS } from './metric-catalogue';

const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)/g;
const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^{}]*)\}/g;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/g;
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan', 'Inf', 'NaN']);
const HISTOGRAM_SERIES = /^(.+)_(bucket|sum|count)$/;

interface Resolved {
  spec?: MetricSpec;
  bucket: boolean;
}

function resolve(name: string, metrics: Map<string, MetricSpec>): Resolved & { problem?: string } {
  const direct = metrics.get(name);
  if (direct) {
    return direct.type === 'histogram'
      ? {
          bucket: false,
          problem: `histogram ${name} has no series of that name: use ${name}_bucket/_sum/_count`,
        }
      : { spec: direct, bucket: false };
  }
  const m = HISTOGRAM_SERIES.exec(name);
  const base = m ? metrics.get(m[1]) : undefined;
  if (m && base?.type === 'histogram') return { spec: base, bucket: m[2] === 'bucket' };
  return { bucket: false, problem: `unknown metric ${name}` };
}

function unbalanced(expr: string): string | undefined {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if ('({['.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return `unbalanced "${c}" at ${i}`;
  }
  if (quote) return 'unterminated string';
  return stack.length > 0 ? `unclosed "${stack[stack.length - 1]}"` : undefined;
}

/**
 * Checks the names a PromQL expression (an alert rule or a Grafana panel query) uses against the metric
 * catalogue: every metric name exists, histograms are used through their `_bucket`/`_sum`/`_count` series,
 * selector and grouping labels are labels those metrics have (or target labels), quantiles group by `le`.
 * Not a PromQL parser: `promtool check rules` parses the rules where it is installed.
 * @returns problems, empty when the expression is fine.
 */
export function checkPromQl(expr: string, metrics: Map<string, MetricSpec>): string[] {
  const problems: string[] = [];
  const balance = unbalanced(expr);
  if (balance) return [balance];

  const used = new Map<string, Resolved>();
  const selectorLabels: Array<{ metric?: string; labels: string[] }> = [];
  let rest = expr.replace(SELECTOR, (_all, name: string | undefined, body: string) => {
    const labels = [...body.matchAll(MATCHER)].map((m) => m[1]);
    const leftover = body.replace(MATCHER, '').replace(/[\s,]/g, '');
    if (leftover) problems.push(`malformed label matchers {${body}}`);
    selectorLabels.push({ metric: name, labels });
    return name ? ` ${name} ` : ' ';
  });

  const groupingLabels: string[] = [];
  rest = rest.replace(GROUPING, (_all, _kw: string, list: string) => {
    groupingLabels.push(
      ...list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    return ' ';
  });

  rest = rest
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ')
    .replace(/\boffset\s+\d+[smhdwy]/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?[smhdwy]?\b/gi, ' ');

  for (const m of rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const after = rest.slice((m.index ?? 0) + name.length);
    if (KEYWORDS.has(name) || /^\s*\(/.test(after)) continue;
    const resolved = resolve(name, metrics);
    if (resolved.problem) problems.push(resolved.problem);
    used.set(name, resolved);
  }

  for (const { metric, labels } of selectorLabels) {
    if (!metric) continue;
    const r = used.get(metric);
    if (!r?.spec) continue;
    const allowed = new Set([...r.spec.labels, ...TARGET_LABELS, '__name__', ...(r.bucket ? ['le'] : [])]);
    for (const label of labels) {
      if (!allowed.has(label)) problems.push(`${metric} has no label "${label}"`);
    }
  }

  const anyBucket = [...used.values()].some((r) => r.bucket);
  const allowed = new Set<string>([...TARGET_LABELS, ...(anyBucket ? ['le'] : [])]);
  for (const r of used.values()) r.spec?.labels.forEach((l) => allowed.add(l));
  for (const label of groupingLabels) {
    if (!allowed.has(label)) problems.push(`grouping by "${label}", a label none of the metrics has`);
  }
  if (anyBucket && !groupingLabels.includes('le')) {
    problems.push('histogram buckets aggregated without keeping "le": quantiles would be wrong');
  }
  if (used.size === 0) problems.push('no metric in the expression');
  return problems;
}
