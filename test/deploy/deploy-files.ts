import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import YAML from 'yaml';
import { SECRET_VARS, envSchema } from '../../src/platform/settings';

/** Repository root (test/deploy/ → ../..). */
export const ROOT = resolve(__dirname, '..', '..');

export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** Parses one YAML document strictly: duplicate keys and YAML errors throw with the file name. */
export function loadYaml<T = unknown>(...parts: string[]): T {
  const docs = loadYamlDocs(...parts);
  if (docs.length !== 1)
    throw new Error(`${parts.join('/')}: expected one YAML document, got ${docs.length}`);
  return docs[0] as T;
}

/** Every document of a (multi-document) YAML file, strictly parsed. */
export function loadYamlDocs(...parts: string[]): unknown[] {
  return parseYamlDocs(readRepoFile(...parts), parts.join('/'));
}

export function parseYamlDocs(text: string, name: string): unknown[] {
  return YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true })
    .filter((doc) => doc.contents !== null)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as unknown;
    });
}

/** The absolute path of an executable on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Runs a tool and returns its combined output; a non-zero exit throws with that output. */
export function run(command: string, args: string[], opts: { cwd?: string; input?: string } = {}): string {
  try {
    return execFileSync(command, args, {
      cwd: opts.cwd ?? ROOT,
      input: opts.input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

/** Environment variables the service reads (docs/architecture.md), and `<NAME>_FILE` for every secret. */
export const APP_ENV_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(envSchema.shape),
  ...SECRET_VARS.map((name) => `${name}_FILE`),
]);

export const SECRET_NAMES: ReadonlySet<string> = new Set(SECRET_VARS);

/**
 * GitHub's heading anchors of a Markdown file: lower case, punctuation dropped, spaces to hyphens, with `-1`,
 * `-2` for repeats. Explicit `<a id="…">` anchors count too.
 */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = heading[1]
        .toLowerCase()
        .replace(/`/g, '')
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-');
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}
