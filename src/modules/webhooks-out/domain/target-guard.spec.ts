import { TargetRefusedError, checkTargetUrl, isPublicAddress, resolveTarget } from './target-guard';

const strict = { allowPrivate: false };
const open = { allowPrivate: true };

describe('isPublicAddress (the SSRF guard)', () => {
  it.each([
    '127.0.0.1',
    '127.5.6.7',
    '::1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '169.254.1.1',
    '100.64.0.1', // carrier-grade NAT
    '0.0.0.0',
    '0.1.2.3',
    '255.255.255.255',
    '224.0.0.1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::',
    '::ffff:127.0.0.1', // IPv4-mapped loopback
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1', // NAT64 of 10.0.0.1
    '2002:a00:1::1', // 6to4 of 10.0.0.1
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
  ])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('checkTargetUrl', () => {
  it('wants https unless private targets are allowed, and no credentials or fragment', () => {
    expect(checkTargetUrl('https://hooks.example.com/x', strict).host).toBe('hooks.example.com');
    expect(() => checkTargetUrl('http://hooks.example.com/x', strict)).toThrow(/must start with https:\/\//);
    expect(checkTargetUrl('http://127.0.0.1:9/x', open).port).toBe('9');
    expect(() => checkTargetUrl('ftp://x.example.com', open)).toThrow(TargetRefusedError);
    expect(() => checkTargetUrl('https://user:pw@x.example.com', strict)).toThrow(/user name or password/);
    expect(() => checkTargetUrl('https://x.example.com/#a', strict)).toThrow(/fragment/);
    expect(() => checkTargetUrl('not a url', strict)).toThrow(/absolute URL/);
  });
});

describe('resolveTarget', () => {
  const resolver = (answers: Record<string, string[]>) => async (host: string) => {
    const found = answers[host];
    if (!found) throw new Error('ENOTFOUND');
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  it('returns the address to connect to when every answer is public', async () => {
    const resolve = resolver({ 'hooks.example.com': ['93.184.216.34'] });
    await expect(resolveTarget(new URL('https://hooks.example.com'), strict, resolve)).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('refuses a name with any private answer, a private literal, and a name that does not resolve', async () => {
    const resolve = resolver({
      'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
      'meta.example.com': ['169.254.169.254'],
    });
    await expect(resolveTarget(new URL('https://mixed.example.com'), strict, resolve)).rejects.toThrow(
      /10\.0\.0\.5/,
    );
    await expect(resolveTarget(new URL('https://meta.example.com'), strict, resolve)).rejects.toThrow(
      TargetRefusedError,
    );
    await expect(resolveTarget(new URL('https://127.0.0.1/x'), strict, resolve)).rejects.toThrow(
      /127\.0\.0\.1/,
    );
    await expect(resolveTarget(new URL('https://[::1]/x'), strict, resolve)).rejects.toThrow(/::1/);
    await expect(resolveTarget(new URL('https://nowhere.example.com'), strict, resolve)).rejects.toThrow(
      /does not resolve/,
    );
  });

  it('lets private targets through when the deployment allows them', async () => {
    await expect(resolveTarget(new URL('http://127.0.0.1:8080'), open)).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
  });
});
