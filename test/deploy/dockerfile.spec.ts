import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootTestApp } from '../support/app';
import { readRepoFile, repoPath } from './deploy-files';
import { Instruction, Stage, dockerignore, parseCopy, parseDockerfile } from './dockerfile';

// Docker cannot run on the build machines: these tests check what can be checked without it, and execute the
// HEALTHCHECK command itself against a real app.
const { stages } = parseDockerfile(readRepoFile('Dockerfile'));
const runtime = stages[stages.length - 1];
const ignored = dockerignore(readRepoFile('.dockerignore'));

const all = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.keyword === keyword);
const runs = (stage: Stage): string =>
  all(stage, 'RUN')
    .map((i) => i.args)
    .join('\n');
const stageNamed = (name: string | undefined): Stage | undefined => stages.find((s) => s.name === name);

function healthcheckCommand(): string[] {
  const [hc] = all(runtime, 'HEALTHCHECK');
  const json = /\bCMD\s+(\[.*\])\s*$/.exec(hc.args);
  if (!json) throw new Error('HEALTHCHECK must use the exec form: CMD ["node", "-e", "…"]');
  return JSON.parse(json[1]) as string[];
}

function runHealthcheck(port: number): Promise<number> {
  const [command, ...args] = healthcheckCommand();
  return new Promise((resolve) => {
    const child = execFile(command, args, { env: { ...process.env, PORT: String(port) }, timeout: 10_000 });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('Dockerfile', () => {
  it('is multi-stage: a build stage with the whole tree, a runtime stage without it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((s) => /npm run build/.test(runs(s)));
    expect(build).toBeDefined();
    expect(runs(build!)).toMatch(/npm ci\b/);
    expect(build).not.toBe(runtime);
    // The runtime stage installs nothing itself and takes node_modules from a stage that omitted dev deps.
    expect(runs(runtime)).not.toMatch(/npm (ci|install)/);
    const copies = all(runtime, 'COPY').map((c) => parseCopy(c.args));
    const modules = copies.find((c) => c.sources.some((s) => s.endsWith('node_modules')));
    expect(modules?.from).toBeDefined();
    expect(runs(stageNamed(modules!.from)!)).toMatch(/npm ci\b[^\n]*--omit=dev/);
    const dist = copies.find((c) => c.sources.some((s) => s.endsWith('/dist')));
    expect(stageNamed(dist?.from)).toBe(build);
  });

  it('runs as a non-root user, in production mode, on port 3000, with config/', () => {
    const users = all(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].args.split(':')[0];
    expect(['root', '0']).not.toContain(user);
    // Numeric, so Kubernetes can verify runAsNonRoot without a runAsUser.
    expect(user).toMatch(/^\d+$/);
    const env = all(runtime, 'ENV')
      .map((e) => e.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bPORT=3000\b/);
    expect(all(runtime, 'EXPOSE').map((e) => e.args)).toContain('3000');
    const copies = all(runtime, 'COPY').map((c) => parseCopy(c.args));
    expect(copies.some((c) => !c.from && c.sources.includes('config'))).toBe(true);
  });

  it('starts the compiled entry point that nest build produces from src/main.ts', () => {
    const [cmd] = all(runtime, 'CMD');
    expect(JSON.parse(cmd.args)).toEqual(['node', 'dist/main.js']);
    const nest = JSON.parse(readRepoFile('nest-cli.json')) as { sourceRoot: string };
    const tsconfig = JSON.parse(readRepoFile('tsconfig.json')) as { compilerOptions: { outDir: string } };
    expect(nest.sourceRoot).toBe('src');
    expect(tsconfig.compilerOptions.outDir.replace(/^\.\//, '')).toBe('dist');
    expect(existsSync(repoPath('src', 'main.ts'))).toBe(true);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    for (const stage of stages) {
      for (const ins of all(stage, 'COPY')) {
        const copy = parseCopy(ins.args);
        if (copy.from) continue;
        for (const source of copy.sources) {
          expect({ source, exists: existsSync(repoPath(source)) }).toEqual({ source, exists: true });
          expect({ source, ignored: ignored(source) }).toEqual({ source, ignored: false });
        }
      }
    }
    expect(ignored('src/main.ts')).toBe(false);
    expect(ignored('config/default_config.json')).toBe(false);
  });

  it('keeps secrets, local state and foreign node_modules out of the build context', () => {
    for (const path of [
      '.env',
      '.env.production',
      '.git/config',
      'node_modules/express/index.js',
      'dist/main.js',
      'config/overrides/123456789012345678.json',
      'test/deploy/dockerfile.spec.ts',
      'deploy/k8s/statefulset.yaml',
    ]) {
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
    }
    expect(ignored('.env.example')).toBe(false);
  });

  it('builds on Node 24 pinned by digest, the major that engines and CI name', () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(readRepoFile('Dockerfile'))?.[1];
    expect(image).toMatch(/^node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
    for (const stage of stages) expect(stage.from).toBe('${NODE_IMAGE}');
    const pkg = JSON.parse(readRepoFile('package.json')) as { engines: { node: string } };
    expect(pkg.engines.node).toMatch(/^>=24\.\d+ <25$/);
    const ci = readRepoFile('.ci', 'run');
    expect(ci).toMatch(/^NODE_MAJOR=24$/m);
    expect(ci).toMatch(/^NODE_VERSION=24\.\d+\.\d+$/m);
  });

  it('has a HEALTHCHECK on /health/live that uses node, not curl or wget', () => {
    const command = healthcheckCommand();
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/health/live');
    expect(command.join(' ')).not.toMatch(/\b(curl|wget)\b/);
    expect(readFileSync(repoPath('Dockerfile'), 'utf8')).toMatch(
      /HEALTHCHECK\s+--interval=\S+\s+--timeout=\S+/,
    );
  });

  describe('the HEALTHCHECK command, executed', () => {
    it('exits 0 against the running service', async () => {
      const t = await bootTestApp({}, { listen: true });
      try {
        const port = Number(new URL(t.url!).port);
        await expect(runHealthcheck(port)).resolves.toBe(0);
      } finally {
        await t.close();
      }
    });

    it('exits 1 when /health/live answers 503, and when nothing listens', async () => {
      const server = createServer((_req, res) => res.writeHead(503).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      try {
        await expect(runHealthcheck(port)).resolves.toBe(1);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
      await expect(runHealthcheck(port)).resolves.toBe(1);
    });
  });
});
