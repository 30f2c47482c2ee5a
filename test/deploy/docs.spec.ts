import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { ROOT, markdownAnchors, readRepoFile, repoPath } from './deploy-files';
import { KD_METRICS } from './metric-catalogue';

function filesUnder(dir: string): string[] {
  return readdirSync(repoPath(dir)).flatMap((name) => {
    const path = posix.join(dir, name);
    return statSync(repoPath(path)).isDirectory() ? filesUnder(path) : [path];
  });
}

const DOCS = ['docs/deployment.md', 'docs/operations.md'];
const ARTEFACTS = ['Dockerfile', 'docker-compose.yml', ...filesUnder('deploy')].filter(
  (f) => !f.endsWith('.json'),
);

/** `docs/x.md#anchor` mentions in artefacts and Markdown links `(x.md#anchor)` / `(#anchor)` in the docs. */
function references(): Array<{ from: string; file: string; anchor?: string }> {
  const refs: Array<{ from: string; file: string; anchor?: string }> = [];
  for (const from of ARTEFACTS) {
    for (const m of readRepoFile(from).matchAll(/\b(docs\/[\w-]+\.md)(?:#([\w-]+))?/g)) {
      refs.push({ from, file: m[1], anchor: m[2] });
    }
  }
  for (const from of DOCS) {
    for (const m of readRepoFile(from).matchAll(/\]\(([\w./-]*\.md)?(?:#([\w-]+))?\)/g)) {
      if (!m[1] && !m[2]) continue;
      const file = m[1] ? relative(ROOT, join(ROOT, dirname(from), m[1])) : from;
      refs.push({ from, file, anchor: m[2] });
    }
  }
  return refs;
}

describe('deployment and operations docs', () => {
  it('resolve every link and anchor that the artefacts and docs point to', () => {
    const refs = references();
    // At least each alert's runbook link; an empty scan would make this test pass on nothing.
    expect(refs.length).toBeGreaterThan(13);
    const broken = refs.filter(({ file, anchor }) => {
      if (!existsSync(repoPath(file))) return true;
      return anchor !== undefined && !markdownAnchors(readRepoFile(file)).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it('list every metric that dashboards and alerts rely on', () => {
    const ops = readRepoFile('docs', 'operations.md');
    for (const name of Object.keys(KD_METRICS))
      expect({ name, listed: ops.includes(`\`${name}\``) }).toEqual({ name, listed: true });
  });

  it('list the stable log fields a log pipeline keys on', () => {
    const ops = readRepoFile('docs', 'operations.md');
    for (const field of ['time', 'level', 'msg', 'service', 'module', 'requestId', 'guildId']) {
      expect(ops).toMatch(new RegExp(`^\\| \`${field}\``, 'm'));
    }
  });

  it('state the shard math the StatefulSet implements', () => {
    const deployment = readRepoFile('docs', 'deployment.md');
    expect(deployment).toContain('(guild_id >> 22) % DISCORD_SHARD_COUNT');
    expect(deployment).toContain('DISCORD_SHARD_COUNT = replicas × SHARDS_PER_POD');
  });
});
