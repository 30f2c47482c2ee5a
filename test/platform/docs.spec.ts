import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_VARS, envSchema } from '../../src/platform/settings';

const root = join(__dirname, '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');

describe('documentation stays in step with the env schema', () => {
  const vars = Object.keys(envSchema.shape);

  it('README documents every variable in its configuration table, and no other', () => {
    const readme = read('README.md');
    const table = [...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(table.sort()).toEqual([...vars].sort());
  });

  it('.env.example lists every variable', () => {
    const example = read('.env.example');
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...vars].sort());
  });

  it('every secret is marked as such in the README', () => {
    const readme = read('README.md');
    for (const name of SECRET_VARS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\``));
      expect(row).toMatch(/secret/i);
    }
  });

  it('CI runs exactly the README test command', () => {
    expect(read('README.md')).toContain('\nnpm test\n');
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });
});
