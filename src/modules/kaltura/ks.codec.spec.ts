import { createDecipheriv, createHash } from 'node:crypto';
import {
  KsError,
  KsType,
  formatPrivileges,
  mintKs,
  parseKs,
  parsePrivilegeString,
  phpUrlDecode,
  phpUrlEncode,
} from './ks.codec';

const VECTOR =
  'djJ8MXzQNWptOukzudH7EmSieVHQL4eq82m0Tuz0xLBGIYp-HSaObwApXpT98I6f_JQbkT70m6b4yWGRRT36ktNe5Z2dk3dpta0dcNze-AYkhah6jA==';

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The awkward characters on purpose: space, *, ~, /, @, reserved query characters, non-ASCII, astral.
const VALUE_CHARS = [...'abcXYZ019 *~/@:=&%+.-_\'"<>#?![]{}|\\^`$éüß日本語🎉\t'];
const NAME_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'];
const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];
const text = (r: () => number, chars: string[], max: number): string =>
  Array.from({ length: Math.floor(r() * max) }, () => pick(r, chars)).join('');

/** PHP urlencode written a second, independent way (from encodeURIComponent). */
const referenceUrlEncode = (s: string): string =>
  encodeURIComponent(s)
    .replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');

/** Decrypts a KS v2 without the codec, to check the plaintext layout independently. */
function decryptFields(ks: string, secret: string): string {
  const raw = Buffer.from(ks.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const body = raw.subarray(raw.indexOf(0x7c, 3) + 1);
  const key = createHash('sha1').update(secret).digest().subarray(0, 16);
  const d = createDecipheriv('aes-128-cbc', key, Buffer.alloc(16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  let end = plain.length;
  while (plain[end - 1] === 0) end--;
  const signed = plain.subarray(20, end);
  expect(plain.subarray(0, 20).equals(createHash('sha1').update(signed).digest())).toBe(true);
  return signed.subarray(16).toString('latin1');
}

function expectKsError(fn: () => unknown, reason: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KsError);
    expect((error as KsError).reason).toBe(reason);
    return;
  }
  throw new Error(`expected KsError ${reason}`);
}

describe('KS v2 minting', () => {
  it('reproduces the reference test vector', () => {
    const ks = mintKs({
      secret: 'abc',
      partnerId: 1,
      userId: 'u',
      type: KsType.USER,
      expiresAt: 1700000000,
      privileges: 'disableentitlement',
      random: Buffer.alloc(16, 0xff),
    });
    expect(ks).toBe(VECTOR);
  });

  it('parses the reference vector', () => {
    const parsed = parseKs(VECTOR, 'abc', { now: 1699999999, partnerId: 1 });
    expect(parsed).toEqual({
      version: 2,
      partnerId: 1,
      userId: 'u',
      type: 0,
      expiry: 1700000000,
      privileges: { disableentitlement: '' },
    });
  });

  it('writes the privilege map, then _e, _t, _u, in PHP http_build_query encoding', () => {
    const ks = mintKs({
      secret: 's',
      partnerId: 7,
      userId: 'a b~c*@/é',
      type: KsType.ADMIN,
      expiresAt: 123,
      privileges: '*,resourceId:12, role:viewerRole ,firstName:Zoë O:Neil',
    });
    expect(decryptFields(ks, 's')).toBe(
      'all=%2A&resourceId=12&role=viewerRole&firstName=Zo%C3%AB+O%3ANeil&_e=123&_t=2&_u=a+b%7Ec%2A%40%2F%C3%A9',
    );
  });

  it('uses the URL-safe alphabet and keeps = padding', () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) {
      const ks = mintKs({
        secret: 'k',
        partnerId: 1,
        type: KsType.USER,
        userId: text(r, VALUE_CHARS, 12),
        expiresIn: 60,
      });
      expect(ks.startsWith('djJ8')).toBe(true);
      expect(ks).not.toMatch(/[+/]/);
    }
  });

  it('refuses input the server could not represent', () => {
    const base = { secret: 's', partnerId: 1, type: KsType.USER, expiresIn: 60 };
    expect(() => mintKs({ ...base, privileges: { 'a.b': '1' } })).toThrow(RangeError);
    expect(() => mintKs({ ...base, privileges: { _e: '1' } })).toThrow(RangeError);
    expect(() => mintKs({ ...base, privileges: [['firstName', 'Doe, John']] })).toThrow(RangeError);
    expect(() => mintKs({ ...base, partnerId: 0 })).toThrow(RangeError);
    expect(() => mintKs({ ...base, expiresIn: undefined })).toThrow(RangeError);
    expect(() => mintKs({ ...base, random: Buffer.alloc(8) })).toThrow(RangeError);
  });
});

describe('PHP urlencode', () => {
  it.each([
    ['a b', 'a+b'],
    ['~', '%7E'],
    ['*', '%2A'],
    ['A-Z_a.z09', 'A-Z_a.z09'],
    ['/@:', '%2F%40%3A'],
    ['é', '%C3%A9'],
    ['🎉', '%F0%9F%8E%89'],
  ])('encodes %j as %j', (input, expected) => {
    expect(phpUrlEncode(input)).toBe(expected);
    expect(phpUrlDecode(expected)).toBe(input);
  });

  it('agrees with an independent implementation on random strings', () => {
    const r = rng(42);
    for (let i = 0; i < 500; i++) {
      const s = text(r, VALUE_CHARS, 20);
      expect(phpUrlEncode(s)).toBe(referenceUrlEncode(s));
      expect(phpUrlDecode(phpUrlEncode(s))).toBe(s);
    }
  });

  it('leaves malformed percent sequences alone when decoding', () => {
    expect(phpUrlDecode('100%+sure%zz')).toBe('100% sure%zz');
  });
});

describe('privilege strings', () => {
  it('explodes like ks::generateKsV2 (trim, skip empty, * → all:*, split on the first colon)', () => {
    expect(parsePrivilegeString(' a:1, b ,,*,c:x:y,a:2')).toEqual([
      ['a', '2'],
      ['b', ''],
      ['all', '*'],
      ['c', 'x:y'],
    ]);
    expect(formatPrivileges({ a: '2', b: '', all: '*', c: 'x:y' })).toBe('a:2,b,*,c:x:y');
  });
});

describe('KS round trips (property-style, seeded)', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: 200 random sessions survive mint → parse unchanged', (seed) => {
    const r = rng(seed);
    for (let i = 0; i < 200; i++) {
      const names = new Set<string>();
      while (names.size < Math.floor(r() * 6)) names.add(pick(r, [...'abcXYZ']) + text(r, NAME_CHARS, 10));
      const privileges = [...names].map(
        (n) => [n, text(r, VALUE_CHARS, 16).replace(/,/g, '')] as [string, string],
      );
      const input = {
        secret: text(r, VALUE_CHARS, 30) || 'x',
        partnerId: 1 + Math.floor(r() * 2_000_000_000),
        userId: text(r, VALUE_CHARS, 40),
        type: r() < 0.5 ? KsType.USER : KsType.ADMIN,
        expiresAt: 1_800_000_000 + Math.floor(r() * 1e8),
        privileges,
      };
      const ks = mintKs(input);
      const parsed = parseKs(ks, input.secret, { partnerId: input.partnerId, now: 1_700_000_000 });
      expect(parsed.userId).toBe(input.userId);
      expect(parsed.type).toBe(input.type);
      expect(parsed.expiry).toBe(input.expiresAt);
      expect(Object.entries(parsed.privileges)).toEqual(privileges);
      const expectedFields = [
        ...privileges,
        ['_e', String(input.expiresAt)],
        ['_t', String(input.type)],
        ['_u', input.userId],
      ]
        .map(([k, v]) => `${referenceUrlEncode(k)}=${referenceUrlEncode(v)}`)
        .join('&');
      expect(decryptFields(ks, input.secret)).toBe(expectedFields);
    }
  });
});

describe('KS verification', () => {
  const secret = 'partner-admin-secret';
  const ks = mintKs({
    secret,
    partnerId: 99,
    userId: 'discord_1',
    type: KsType.USER,
    expiresAt: 2_000_000_000,
  });

  it('rejects a wrong secret', () => {
    expectKsError(() => parseKs(ks, 'another-secret'), 'INVALID_SIGNATURE');
  });

  it('rejects any single flipped byte of the ciphertext', () => {
    const raw = Buffer.from(ks, 'base64');
    const start = raw.indexOf(0x7c, 3) + 1;
    const r = rng(11);
    for (let i = 0; i < 100; i++) {
      const copy = Buffer.from(raw);
      const at = start + Math.floor(r() * (copy.length - start));
      copy[at] ^= 1 + Math.floor(r() * 255);
      const tampered = copy.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
      expect(() => parseKs(tampered, secret)).toThrow(KsError);
    }
  });

  it('rejects truncated or padded ciphertext as malformed', () => {
    const raw = Buffer.from(ks, 'base64');
    expectKsError(() => parseKs(raw.subarray(0, raw.length - 3).toString('base64'), secret), 'MALFORMED');
    expectKsError(
      () => parseKs(Buffer.concat([raw, Buffer.from('x')]).toString('base64'), secret),
      'MALFORMED',
    );
  });

  it('rejects another partner when the partner is given', () => {
    expectKsError(() => parseKs(ks, secret, { partnerId: 100 }), 'WRONG_PARTNER');
    // The envelope's partner id is outside the signature: swapping it must still be caught by the check.
    const swapped = Buffer.from(
      Buffer.from(ks, 'base64').toString('latin1').replace('v2|99|', 'v2|98|'),
      'latin1',
    );
    expectKsError(() => parseKs(swapped.toString('base64'), secret, { partnerId: 99 }), 'WRONG_PARTNER');
  });

  it('rejects an expired KS at and after its expiry, unless asked not to', () => {
    expect(parseKs(ks, secret, { now: 1_999_999_999 }).userId).toBe('discord_1');
    expectKsError(() => parseKs(ks, secret, { now: 2_000_000_000 }), 'EXPIRED');
    expect(parseKs(ks, secret, { now: 2_100_000_000, allowExpired: true }).expiry).toBe(2_000_000_000);
  });

  it('treats expiresIn relative to now', () => {
    const short = mintKs({ secret, partnerId: 99, type: KsType.USER, expiresIn: 900, now: 1_000 });
    expect(parseKs(short, secret, { now: 1_000 }).expiry).toBe(1_900);
  });

  it.each(['', 'abc', 'djJ8', 'djJ8MXw=', 'not base64!', 'x'.repeat(9000)])(
    'rejects garbage %#',
    (garbage) => {
      expect(() => parseKs(garbage, secret)).toThrow(KsError);
    },
  );

  it('never puts the KS in its error message', () => {
    try {
      parseKs(ks, 'wrong');
    } catch (error) {
      expect((error as Error).message).not.toContain(ks.slice(0, 20));
    }
    expect.assertions(1);
  });
});

describe('KS v1 (legacy) verification', () => {
  const secret = 'v1-secret';
  const v1 = (info: string, key = secret): string =>
    Buffer.from(
      createHash('sha1')
        .update(key + info)
        .digest('hex') +
        '|' +
        info,
      'utf8',
    ).toString('base64');
  const info = '77;77;2000000000;2;4821;admin@example.com;disableentitlement,sview:*,urirestrict:/a/b;;';

  it('parses the fields', () => {
    expect(parseKs(v1(info), secret, { now: 1_700_000_000, partnerId: 77 })).toEqual({
      version: 1,
      partnerId: 77,
      userId: 'admin@example.com',
      type: 2,
      expiry: 2000000000,
      privileges: { disableentitlement: '', sview: '*', urirestrict: '/a/b' },
    });
  });

  it('reads master partner and additional data when present', () => {
    const parsed = parseKs(v1('5;5;2000000000;0;1;u;;-2;extra'), secret, { now: 1 });
    expect(parsed).toMatchObject({ userId: 'u', privileges: {}, additionalData: 'extra' });
    expect(parseKs(v1('5;5;2000000000;0;1;u;;12;'), secret, { now: 1 }).masterPartnerId).toBe(12);
  });

  it('rejects a wrong secret, tampered info and expiry', () => {
    expectKsError(() => parseKs(v1(info, 'other'), secret, { now: 1 }), 'INVALID_SIGNATURE');
    const forged = Buffer.from(
      Buffer.from(v1(info), 'base64').toString('utf8').replace('admin@example.com', 'root@example.com'),
    ).toString('base64');
    expectKsError(() => parseKs(forged, secret, { now: 1 }), 'INVALID_SIGNATURE');
    expectKsError(() => parseKs(v1(info), secret, { now: 2_000_000_001 }), 'EXPIRED');
  });

  it('rejects a signed but malformed field list', () => {
    expectKsError(() => parseKs(v1('77;77;soon;2'), secret), 'MALFORMED');
  });
});
