import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bootTestApp, type TestApp } from '../support/app';
import { eventually } from '../support/eventually';

jest.setTimeout(60_000);

/** The `sh` code blocks of the README's "Try it" section, in order. */
function tryItBlocks(): string[] {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = /^## Try it\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (!section) throw new Error('README has no "## Try it" section');
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/**
 * One bash session, as a person pasting the blocks into a terminal has: variables carry from block to block.
 * Each block is followed by a marker line, so its output is known to be complete.
 */
class Terminal {
  private readonly shell: ChildProcessWithoutNullStreams;
  private output = '';
  private marker = 0;

  constructor() {
    this.shell = spawn('bash', ['--norc', '--noprofile'], { stdio: 'pipe', env: { PATH: process.env.PATH } });
    this.shell.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    this.shell.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  async paste(block: string): Promise<string> {
    const end = `__block_${++this.marker}_done__`;
    const from = this.output.length;
    this.shell.stdin.write(`${block}\necho ${end}\n`);
    await eventually(() => this.output.includes(`${end}\n`), 20_000, `the block to finish: ${block}`);
    return this.output.slice(from, this.output.indexOf(`${end}\n`, from));
  }

  close(): void {
    this.shell.stdin.end();
    this.shell.kill();
  }
}

describe('README "Try it" (trial mode on embedded defaults)', () => {
  let t: TestApp;
  let terminal: Terminal;
  const blocks = tryItBlocks();
  // The one liberty taken with the text: the app listens on a free port instead of 3000.
  const pasted = (i: number) => blocks[i].replaceAll('http://localhost:3000', t.url!);

  beforeAll(async () => {
    // What `npm start` runs on with no environment: development, sandbox Kaltura, no bot token.
    t = await bootTestApp({ NODE_ENV: 'development' }, { listen: true });
    terminal = new Terminal();
  });
  afterAll(async () => {
    terminal?.close();
    await t?.close();
  });

  it('has the steps the newcomer needs, in order', () => {
    expect(t.settings.trial).toBe(true);
    expect(blocks).toHaveLength(7);
  });

  it('signs in two demo members, starts a meeting and gets a personal link for each, with their roles', async () => {
    expect(await terminal.paste(pasted(0))).toBe('');
    expect(await terminal.paste(pasted(1))).toMatch(/^meeting [A-Za-z0-9]{10}\n$/);

    const links = await terminal.paste(pasted(2));
    const ada = /^Ada: (\S+)$/m.exec(links)?.[1];
    const bo = /^Bo: {2}(\S+)$/m.exec(links)?.[1];
    expect(ada).toMatch(new RegExp(`^${t.url}/sandbox/launch\\?ks=`));
    expect(bo).toMatch(new RegExp(`^${t.url}/sandbox/launch\\?ks=`));
    expect(ada).not.toBe(bo);

    // The block shows Bo's role; the browser view of Ada's link shows hers (host and guild admin).
    expect(await terminal.paste(pasted(3))).toBe(
      '<dt>Name</dt><dd>Bo (demo member)</dd>\n' +
        '<dt>Role</dt><dd>viewerRole / userContextualRole 3 (attendee)</dd>\n',
    );
    const adaPage = await (await fetch(ada!)).text();
    expect(adaPage).toContain('<dt>Name</dt><dd>Ada (demo admin)</dd>');
    expect(adaPage).toMatch(/<dt>Role<\/dt><dd>\w+ \/ userContextualRole 0 \(host \/ moderator\)<\/dd>/);
  });

  it('shows the Discord message the meeting start would have posted, rendered', async () => {
    const shown = await eventually(async () => {
      const out = await terminal.paste(pasted(4));
      return out.includes('was started by') ? out : null;
    });
    expect(shown).toBe('#100000000000000002: 📅 **Try it** (meeting) was started by Ada (demo admin).\n');
  });

  it('accepts the signed sample webhook and shows the recording message it leads to', async () => {
    expect(await terminal.paste(pasted(5))).toMatch(
      /^\{"apiVersion":"1","eventId":"job-1","duplicate":false\}\n$/,
    );
    const shown = await eventually(async () => {
      const out = await terminal.paste(pasted(4));
      return out.includes('recording') ? out : null;
    });
    // Named, with its length and the link members open (the sandbox's KAF page for the entry).
    expect(shown.split('\n')[0]).toMatch(
      /^#100000000000000002: 🎬 The recording of \*\*Try it\*\* is ready: \*\*Try it\*\*, 12 min — https?:\/\/\S+\/entryid\/0_tryit$/,
    );
  });

  it('ends the meeting: the end and the attendance (both members took a link) are posted', async () => {
    expect(await terminal.paste(pasted(6))).toBe('ended\n');
    const shown = await eventually(async () => {
      const out = await terminal.paste(pasted(4));
      return out.includes('ended after') && out.includes('members joined') ? out : null;
    });
    // Newest first; the two are delivered independently, in either order.
    const [a, b] = shown.split('\n');
    const [ended, attendance] = a.includes('ended after') ? [a, b] : [b, a];
    expect(ended).toMatch(/^#100000000000000002: ✅ \*\*Try it\*\* ended after /);
    expect(attendance).toBe(
      '#100000000000000002: 👥 2 members joined **Try it**: Ada (demo admin), Bo (demo member)',
    );
  });
});

describe('trial routes outside trial mode', () => {
  it.each([
    [
      'production (sandbox on purpose)',
      { NODE_ENV: 'production', JWT_SECRET: 'y'.repeat(40), STORAGE: 'memory', KALTURA_MODE: 'sandbox' },
    ],
    [
      'real Kaltura credentials',
      { NODE_ENV: 'development', KALTURA_PARTNER_ID: '9', KALTURA_ADMIN_SECRET: 'admin-secret-x' },
    ],
  ])('are not mounted in %s', async (_case, env) => {
    const app = await bootTestApp(env);
    try {
      expect(app.settings.trial).toBe(false);
      const server = app.app.getHttpServer();
      const token = await request(server).post('/api/v1/dev/token').send({ member: 'ada' });
      expect(token.status).toBe(404);
      expect(token.body.access_token).toBeUndefined();
      expect((await request(server).get('/api/v1/dev/discord-messages')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('refuses an unknown demo member with a clear error, in trial mode', async () => {
    const app = await bootTestApp({ NODE_ENV: 'development' });
    try {
      const res = await request(app.app.getHttpServer()).post('/api/v1/dev/token').send({ member: 'eve' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'member', message: 'member must be one of: ada, bo' }]);
    } finally {
      await app.close();
    }
  });
});
