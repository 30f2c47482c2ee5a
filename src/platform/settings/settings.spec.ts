import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_ADMIN_SECRET, loadSettings } from './settings';
import { startupReport } from './startup-report';
import { settingsErrorOf as errorOf } from '../../../test/support/settings-errors';

const STRONG = 'x'.repeat(40);
const prod = (extra: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  JWT_SECRET: STRONG,
  STORAGE: 'memory',
  KALTURA_MODE: 'sandbox',
  ...extra,
});

describe('loadSettings', () => {
  it('runs on embedded defaults with no env at all', () => {
    const s = loadSettings({});
    expect(s.http.port).toBe(3000);
    expect(s.env).toBe('development');
    expect(s.storage.kind).toBe('memory');
    expect(s.kaltura.mode).toBe('sandbox');
    expect(s.kaltura.adminSecret).toBe(SANDBOX_ADMIN_SECRET);
    expect(s.kaltura.serviceUrl).toBe('https://www.kaltura.com');
    expect(s.kaltura.kafUrl).toBe('https://100.kaf.kaltura.com');
    expect(s.kaltura.joinLinkTtl).toBe(900);
    expect(s.discord.apiUrl).toBe('https://discord.com/api');
    expect(s.jwt.generated).toBe(true);
    expect(s.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(s.jwt.expirySeconds).toBe(900);
    expect(s.sources.PORT).toBe('default');
  });

  it('reads typed values and records their source', () => {
    const s = loadSettings({
      PORT: '8080',
      KALTURA_PARTNER_ID: '12345',
      KALTURA_ADMIN_SECRET: 'admin-secret-value',
      JWT_EXPIRY: '1h',
      DISCORD_API_URL: 'http://127.0.0.1:9/api/',
      DISCORD_SHARD_IDS: '0, 2',
      DISCORD_SHARD_COUNT: '4',
    });
    expect(s.http.port).toBe(8080);
    expect(s.kaltura).toMatchObject({
      mode: 'live',
      partnerId: 12345,
      kafUrl: 'https://12345.kaf.kaltura.com',
      webhookSecret: 'admin-secret-value',
    });
    expect(s.jwt.expirySeconds).toBe(3600);
    expect(s.discord.apiUrl).toBe('http://127.0.0.1:9/api');
    expect(s.discord.shardIds).toEqual([0, 2]);
    expect(s.sources.PORT).toBe('env');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ STORAGE: 'postgres' }, 'STORAGE'],
    [{ STORAGE: 'mongo' }, 'MONGODB_URI'],
    [{ MONGODB_URI: 'http://db' }, 'MONGODB_URI'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ DISCORD_CLIENT_ID: 'abc' }, 'DISCORD_CLIENT_ID'],
    [{ DISCORD_DEV_GUILD_ID: '12' }, 'DISCORD_DEV_GUILD_ID'],
    [{ DISCORD_API_URL: 'ftp://x' }, 'DISCORD_API_URL'],
    [{ DISCORD_SHARD_IDS: '0,a' }, 'DISCORD_SHARD_IDS'],
    [{ DISCORD_SHARD_IDS: '0' }, 'DISCORD_SHARD_COUNT'],
    [{ DISCORD_SHARD_IDS: '2', DISCORD_SHARD_COUNT: '2' }, 'DISCORD_SHARD_IDS'],
    [{ KALTURA_PARTNER_ID: '-1' }, 'KALTURA_PARTNER_ID'],
    [{ KALTURA_PARTNER_ID: '5' }, 'KALTURA_ADMIN_SECRET'],
    [{ KALTURA_ADMIN_SECRET: 'lonely-secret' }, 'KALTURA_PARTNER_ID'],
    [{ KALTURA_SERVICE_URL: 'not a url' }, 'KALTURA_SERVICE_URL'],
    [{ KALTURA_JOIN_LINK_TTL: '5' }, 'KALTURA_JOIN_LINK_TTL'],
    [{ JWT_EXPIRY: 'soon' }, 'JWT_EXPIRY'],
    [{ JWT_EXPIRY: '0' }, 'JWT_EXPIRY'],
  ])('refuses %j naming %s', (env, variable) => {
    const e = errorOf(env as Record<string, string>);
    expect(e.variable).toBe(variable);
    expect(e.message).toContain(variable);
  });

  it('never puts a value in the error message', () => {
    const e = errorOf({ KALTURA_PARTNER_ID: 'sup3r-s3cret-p4rtner' });
    expect(e.message).not.toContain('sup3r-s3cret-p4rtner');
    const e2 = errorOf({ ...prod(), JWT_SECRET: 'short-but-secret' });
    expect(e2.message).not.toContain('short-but-secret');
  });

  describe('production', () => {
    it('requires JWT_SECRET', () => {
      expect(errorOf({ NODE_ENV: 'production', STORAGE: 'memory' }).variable).toBe('JWT_SECRET');
    });
    it('refuses a short JWT_SECRET', () => {
      expect(errorOf(prod({ JWT_SECRET: 'a'.repeat(31) })).variable).toBe('JWT_SECRET');
    });
    it('refuses a known default JWT_SECRET even when long', () => {
      const e = errorOf(prod({ JWT_SECRET: 'development-only-jwt-secret-change-me-please' }));
      expect(e.variable).toBe('JWT_SECRET');
    });
    it('refuses in-memory storage unless STORAGE=memory', () => {
      expect(errorOf({ NODE_ENV: 'production', JWT_SECRET: STRONG }).variable).toBe('MONGODB_URI');
      expect(loadSettings(prod()).storage.kind).toBe('memory');
      expect(loadSettings(prod({ STORAGE: '', MONGODB_URI: 'mongodb://db:27017/kd' })).storage.kind).toBe(
        'mongo',
      );
    });
    it('closes CORS unless origins are listed', () => {
      expect(loadSettings(prod()).http.corsOrigins).toEqual([]);
      expect(
        loadSettings(prod({ CORS_ORIGINS: 'https://a.example, https://b.example' })).http.corsOrigins,
      ).toEqual(['https://a.example', 'https://b.example']);
    });
  });

  describe('<NAME>_FILE secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-settings-'));
    const file = (name: string, content: string) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };

    it('reads a secret from a file, trimming the trailing newline', () => {
      const s = loadSettings({
        KALTURA_PARTNER_ID: '7',
        KALTURA_ADMIN_SECRET_FILE: file('admin', 'from-file-secret\n'),
        JWT_SECRET_FILE: file('jwt', STRONG),
        DISCORD_TOKEN_FILE: file('token', 'bot-token-from-file'),
      });
      expect(s.kaltura.adminSecret).toBe('from-file-secret');
      expect(s.jwt.secret).toBe(STRONG);
      expect(s.jwt.generated).toBe(false);
      expect(s.discord.token).toBe('bot-token-from-file');
      expect(s.sources.KALTURA_ADMIN_SECRET).toBe('file');
    });

    it('validates file contents like env values', () => {
      const e = errorOf({ REDIS_URL_FILE: file('redis', 'not-a-url') });
      expect(e.variable).toBe('REDIS_URL');
    });

    it('refuses a missing file, naming the _FILE variable', () => {
      expect(errorOf({ JWT_SECRET_FILE: join(dir, 'nope') }).variable).toBe('JWT_SECRET_FILE');
    });

    it('refuses both the variable and its _FILE twin', () => {
      expect(errorOf({ JWT_SECRET: STRONG, JWT_SECRET_FILE: file('jwt2', STRONG) }).variable).toBe(
        'JWT_SECRET',
      );
    });
  });
});

describe('trial mode (README "Try it")', () => {
  it('is on for development on embedded defaults', () => {
    expect(loadSettings({}).trial).toBe(true);
    expect(startupReport(loadSettings({})).summary.trial).toBe('on');
    expect(startupReport(loadSettings({})).defaults.join('\n')).toContain(
      'trial mode: POST /api/v1/dev/token',
    );
  });

  it.each([
    ['production, even with the sandbox chosen on purpose', prod()],
    ['production with a webhook secret of its own', prod({ KALTURA_WEBHOOK_SECRET: STRONG })],
    ['real Kaltura credentials', { KALTURA_PARTNER_ID: '9', KALTURA_ADMIN_SECRET: 'admin-secret-x' }],
    ['a Discord bot token', { DISCORD_TOKEN: 'tok-123456' }],
    ['the test environment', { NODE_ENV: 'test' }],
  ])('cannot be on with %s', (_case, env) => {
    const s = loadSettings(env);
    expect(s.trial).toBe(false);
    expect(startupReport(s).summary.trial).toBe('off');
    expect(startupReport(s).defaults.join('\n')).not.toContain('trial');
  });
});

describe('startupReport', () => {
  it('lists every embedded default with the variable that changes it', () => {
    const { summary, defaults } = startupReport(loadSettings({}));
    expect(summary).toMatchObject({ storage: 'memory', cache: 'memory', kaltura: 'sandbox', discord: 'off' });
    expect(defaults.join('\n')).toMatch(
      /MONGODB_URI[\s\S]*REDIS_URL[\s\S]*KALTURA_PARTNER_ID[\s\S]*DISCORD_TOKEN/,
    );
  });

  it('says which variable Discord sign-in still needs', () => {
    const none = startupReport(loadSettings({})).defaults.join('\n');
    expect(none).toContain('REST API Discord sign-in: off (set DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET)');
    const idOnly = startupReport(loadSettings({ DISCORD_CLIENT_ID: '123456789012345678' })).defaults.join(
      '\n',
    );
    expect(idOnly).toContain('REST API Discord sign-in: off (set DISCORD_CLIENT_SECRET)');
    const both = startupReport(
      loadSettings({ DISCORD_CLIENT_ID: '123456789012345678', DISCORD_CLIENT_SECRET: 'client-secret-x' }),
    ).defaults.join('\n');
    expect(both).not.toContain('sign-in');
  });

  it('contains no secret', () => {
    const s = loadSettings({
      KALTURA_PARTNER_ID: '9',
      KALTURA_ADMIN_SECRET: 'never-print-me',
      DISCORD_TOKEN: 'tok-123456',
    });
    const text = JSON.stringify(startupReport(s));
    expect(text).not.toContain('never-print-me');
    expect(text).not.toContain('tok-123456');
  });
});
