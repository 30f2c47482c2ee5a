import { KalturaAdminSession } from './kaltura-admin-session';
import { KsType, parseKs } from './ks.codec';

describe('KalturaAdminSession', () => {
  const partner = { partnerId: 55, adminSecret: 'admin-secret' };
  let now = 1_000_000;
  const session = () =>
    new KalturaAdminSession(partner, { ttlSeconds: 7200, renewBeforeSeconds: 600, now: () => now });

  beforeEach(() => (now = 1_000_000));

  it('mints an ADMIN KS for the partner with disableentitlement', () => {
    const parsed = parseKs(session().get(), partner.adminSecret, { partnerId: 55, now });
    expect(parsed).toMatchObject({
      type: KsType.ADMIN,
      userId: '',
      expiry: now + 7200,
      privileges: { disableentitlement: '' },
    });
  });

  it('reuses the KS until the renewal window, then renews it', () => {
    const s = session();
    const first = s.get();
    now += 7200 - 601;
    expect(s.get()).toBe(first);
    now += 1;
    const renewed = s.get();
    expect(renewed).not.toBe(first);
    expect(parseKs(renewed, partner.adminSecret, { now }).expiry).toBe(now + 7200);
  });

  it('caps the renewal window at half the TTL', () => {
    const s = new KalturaAdminSession(partner, { ttlSeconds: 100, renewBeforeSeconds: 3600, now: () => now });
    const first = s.get();
    now += 49;
    expect(s.get()).toBe(first);
    now += 1;
    expect(s.get()).not.toBe(first);
  });

  it('drops the KS on invalidate, but only if it is still the current one', () => {
    const s = session();
    const first = s.get();
    s.invalidate('some-older-ks');
    expect(s.get()).toBe(first);
    s.invalidate(first);
    expect(s.get()).not.toBe(first);
  });
});
