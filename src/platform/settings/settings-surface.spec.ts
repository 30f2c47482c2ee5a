import { SANDBOX_ADMIN_SECRET, loadSettings } from './settings';
import { describeTrustProxy, startupReport } from './startup-report';
import { settingsErrorOf as errorOf } from '../../../test/support/settings-errors';

const STRONG = 'x'.repeat(40);
const LIVE = { KALTURA_PARTNER_ID: '12345', KALTURA_ADMIN_SECRET: 'partner-admin-secret' };
const prod = (extra: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  JWT_SECRET: STRONG,
  STORAGE: 'memory',
  ...extra,
});

describe('KALTURA_MODE', () => {
  it('development falls back to the sandbox without credentials, and to live with them', () => {
    expect(loadSettings({}).kaltura).toMatchObject({ mode: 'sandbox', webhookSecret: SANDBOX_ADMIN_SECRET });
    expect(loadSettings(LIVE).kaltura.mode).toBe('live');
  });

  it('production without credentials refuses to start unless KALTURA_MODE=sandbox', () => {
    const e = errorOf(prod());
    expect(e.variable).toBe('KALTURA_MODE');
    expect(e.message).toMatch(/KALTURA_MODE must be set in production/);
    expect(loadSettings(prod({ KALTURA_MODE: 'sandbox' })).kaltura.mode).toBe('sandbox');
    expect(loadSettings(prod(LIVE)).kaltura.mode).toBe('live');
  });

  it('live names every missing credential', () => {
    expect(errorOf({ KALTURA_MODE: 'live' }).variable).toBe('KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET');
    expect(errorOf(prod({ KALTURA_MODE: 'live', KALTURA_PARTNER_ID: '5' })).variable).toBe(
      'KALTURA_ADMIN_SECRET',
    );
    expect(loadSettings({ KALTURA_MODE: 'live', ...LIVE }).kaltura.partnerId).toBe(12345);
  });

  it('refuses sandbox together with credentials, and unknown modes', () => {
    expect(errorOf({ KALTURA_MODE: 'sandbox', ...LIVE }).variable).toBe('KALTURA_MODE');
    expect(errorOf({ KALTURA_MODE: 'staging' }).variable).toBe('KALTURA_MODE');
  });

  it('production sandbox never checks webhooks with the built-in secret: without its own it refuses them', () => {
    const s = loadSettings(prod({ KALTURA_MODE: 'sandbox' }));
    expect(s.kaltura.webhookSecret).toBeNull();
    expect(startupReport(s).defaults.join('\n')).toMatch(/webhooks: all refused.*KALTURA_WEBHOOK_SECRET/);
    const own = loadSettings(prod({ KALTURA_MODE: 'sandbox', KALTURA_WEBHOOK_SECRET: 'w'.repeat(40) }));
    expect(own.kaltura.webhookSecret).toBe('w'.repeat(40));
  });

  it('production refuses the built-in sandbox secret as a webhook or admin secret', () => {
    const webhook = errorOf(prod({ KALTURA_MODE: 'sandbox', KALTURA_WEBHOOK_SECRET: SANDBOX_ADMIN_SECRET }));
    expect(webhook.variable).toBe('KALTURA_WEBHOOK_SECRET');
    expect(webhook.message).not.toContain(SANDBOX_ADMIN_SECRET);
    const admin = errorOf(prod({ KALTURA_PARTNER_ID: '5', KALTURA_ADMIN_SECRET: SANDBOX_ADMIN_SECRET }));
    expect(admin.variable).toBe('KALTURA_ADMIN_SECRET');
  });
});

describe('TRUST_PROXY', () => {
  it('defaults to no proxy in production and to loopback elsewhere', () => {
    expect(loadSettings(prod({ KALTURA_MODE: 'sandbox' })).http.trustProxy).toBe(0);
    expect(loadSettings({}).http.trustProxy).toEqual(['loopback']);
    expect(loadSettings({ NODE_ENV: 'test' }).http.trustProxy).toEqual(['loopback']);
  });

  it.each([
    ['1', 1],
    ['0', 0],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    [' 10.1.2.3 , 192.168.0.0/16,fd00::/8 ', ['10.1.2.3', '192.168.0.0/16', 'fd00::/8']],
    ['loopback, uniquelocal', ['loopback', 'uniquelocal']],
  ])('reads %j', (value, expected) => {
    expect(loadSettings({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it.each(['true', 'all', '-1', '100', '10.0.0.0/33', '10.0.0', 'fd00::/129', '10.0.0.1/8/1', '1,2', 'a,b'])(
    'refuses %j, naming the variable',
    (value) => {
      const e = errorOf({ TRUST_PROXY: value });
      expect(e.variable).toBe('TRUST_PROXY');
    },
  );

  it('shows in the start-up report', () => {
    expect(describeTrustProxy(0)).toBe('none');
    expect(describeTrustProxy(2)).toBe('2 hops');
    expect(startupReport(loadSettings({ TRUST_PROXY: '10.0.0.0/8' })).summary.trustProxy).toBe('10.0.0.0/8');
  });
});

describe('API_DOCS and HSTS', () => {
  it('serves API docs by default outside production only, HSTS never by default', () => {
    expect(loadSettings({}).http).toMatchObject({ apiDocs: true, hsts: false });
    expect(loadSettings(prod({ KALTURA_MODE: 'sandbox' })).http).toMatchObject({
      apiDocs: false,
      hsts: false,
    });
  });

  it('follows on/off, and refuses anything else naming the variable', () => {
    expect(loadSettings(prod({ KALTURA_MODE: 'sandbox', API_DOCS: 'on', HSTS: 'on' })).http).toMatchObject({
      apiDocs: true,
      hsts: true,
    });
    expect(loadSettings({ API_DOCS: 'off' }).http.apiDocs).toBe(false);
    expect(errorOf({ API_DOCS: 'yes' }).variable).toBe('API_DOCS');
    expect(errorOf({ HSTS: 'true' }).variable).toBe('HSTS');
    expect(startupReport(loadSettings({ HSTS: 'on' })).summary).toMatchObject({ apiDocs: 'on', hsts: 'on' });
  });
});

describe('OUTGOING_WEBHOOKS_ALLOW_PRIVATE', () => {
  it('is off by default, on when set, and refuses anything else', () => {
    expect(loadSettings({}).webhooksOut.allowPrivate).toBe(false);
    expect(loadSettings(prod({ KALTURA_MODE: 'sandbox' })).webhooksOut.allowPrivate).toBe(false);
    expect(loadSettings({ OUTGOING_WEBHOOKS_ALLOW_PRIVATE: 'on' }).webhooksOut.allowPrivate).toBe(true);
    expect(loadSettings({ OUTGOING_WEBHOOKS_ALLOW_PRIVATE: 'off' }).webhooksOut.allowPrivate).toBe(false);
    expect(errorOf({ OUTGOING_WEBHOOKS_ALLOW_PRIVATE: 'yes' }).variable).toBe(
      'OUTGOING_WEBHOOKS_ALLOW_PRIVATE',
    );
  });
});
