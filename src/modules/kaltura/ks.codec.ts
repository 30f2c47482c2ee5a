import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Kaltura Session (KS) strings, minted and verified locally with the partner admin secret, byte for byte as the
 * Kaltura server (`ks.php`) builds them. Minting locally saves a `session.start` round trip per join link.
 */

/** Session types the project uses. */
export const KsType = { USER: 0, ADMIN: 2 } as const;
export type KsType = (typeof KsType)[keyof typeof KsType];

/**
 * Privileges as Kaltura's comma string (`resourceId:12,role:viewerRole`, `*` meaning all), or as ordered
 * name/value pairs. A name without value is `''`.
 */
export type KsPrivileges =
  string | Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

export interface MintKsInput {
  /** Partner admin secret: the server decrypts every KS v2 with it, whatever the session type. */
  secret: string;
  partnerId: number;
  type: KsType;
  /** Kaltura user id (`_u`); `''` for an anonymous admin session. */
  userId?: string;
  privileges?: KsPrivileges;
  /** Lifetime in seconds from `now`. Give this or `expiresAt`. */
  expiresIn?: number;
  /** Absolute expiry, unix seconds. */
  expiresAt?: number;
  /** Clock override (unix seconds), for tests. */
  now?: number;
  /** The 16 random bytes; only tests pass them (to reproduce a known vector). */
  random?: Buffer;
}

/** What a valid KS carries. */
export interface ParsedKs {
  version: 1 | 2;
  partnerId: number;
  userId: string;
  /** 0 USER, 2 ADMIN. */
  type: number;
  /** Absolute expiry, unix seconds. */
  expiry: number;
  /** Privilege name → value (`''` when the privilege has no value); `*` appears as `all: '*'`. */
  privileges: Readonly<Record<string, string>>;
  masterPartnerId?: number;
  additionalData?: string;
}

export type KsErrorReason = 'MALFORMED' | 'INVALID_SIGNATURE' | 'WRONG_PARTNER' | 'EXPIRED';

/** A KS that does not verify. The message never contains the KS itself. */
export class KsError extends Error {
  constructor(
    readonly reason: KsErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'KsError';
  }
}

export interface ParseKsOptions {
  /** When set, a KS of another partner is rejected. */
  partnerId?: number;
  /** Clock override (unix seconds). */
  now?: number;
  /** Return an expired KS instead of rejecting it (diagnostics only). */
  allowExpired?: boolean;
}

const V2_PREFIX = 'v2|';
// Privilege names become query-string keys that PHP's parse_str rewrites (`.` and space → `_`, `[` → arrays),
// so only plain identifiers survive a round trip through the real server.
const PRIVILEGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const UNRESERVED = /[A-Za-z0-9_.-]/;

/** PHP `urlencode` (what `http_build_query` uses): not the same as `encodeURIComponent` (`~`, `*`, space). */
export function phpUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** PHP `urldecode`: `+` is a space; malformed `%` sequences stay as they are. */
export function phpUrlDecode(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const hex = value.slice(i + 1, i + 3);
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (ch === '+') {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Kaltura's privilege string → ordered pairs, as `ks::generateKsV2` explodes it. */
export function parsePrivilegeString(privileges: string): Array<[string, string]> {
  const out = new Map<string, string>();
  for (const raw of privileges.split(',')) {
    let privilege = raw.trim();
    if (privilege === '') continue;
    if (privilege === '*') privilege = 'all:*';
    const colon = privilege.indexOf(':');
    if (colon < 0) out.set(privilege, '');
    else out.set(privilege.slice(0, colon), privilege.slice(colon + 1));
  }
  return [...out];
}

/** Ordered pairs → Kaltura's privilege string (`all:*` is written `*`). */
export function formatPrivileges(privileges: Readonly<Record<string, string>>): string {
  return Object.entries(privileges)
    .map(([name, value]) =>
      name === 'all' && value === '*' ? '*' : value === '' ? name : `${name}:${value}`,
    )
    .join(',');
}

function privilegePairs(privileges: KsPrivileges | undefined): Array<[string, string]> {
  if (privileges === undefined) return [];
  const pairs =
    typeof privileges === 'string'
      ? parsePrivilegeString(privileges)
      : Array.isArray(privileges)
        ? privileges.map(([k, v]) => [k, v] as [string, string])
        : Object.entries(privileges as Record<string, string>);
  for (const [name, value] of pairs) {
    if (!PRIVILEGE_NAME.test(name))
      throw new RangeError(`KS privilege name "${name}" is not a plain identifier`);
    // The server re-joins privileges with commas when it reads a KS: a comma in a value would split it.
    if (value.includes(',')) throw new RangeError(`KS privilege "${name}" has a comma in its value`);
  }
  return pairs;
}

const unixNow = (): number => Math.floor(Date.now() / 1000);
const aesKey = (secret: string): Buffer => createHash('sha1').update(secret, 'utf8').digest().subarray(0, 16);
const sha1 = (data: Buffer): Buffer => createHash('sha1').update(data).digest();

/** Mints a KS v2. Throws `RangeError` on input the server could not represent. */
export function mintKs(input: MintKsInput): string {
  if (!Number.isSafeInteger(input.partnerId) || input.partnerId <= 0)
    throw new RangeError('partnerId is invalid');
  if (input.secret === '') throw new RangeError('secret is empty');
  const now = input.now ?? unixNow();
  const expiry = input.expiresAt ?? (input.expiresIn !== undefined ? now + input.expiresIn : undefined);
  if (expiry === undefined || !Number.isSafeInteger(expiry))
    throw new RangeError('KS expiry is missing or invalid');
  const random = input.random ?? randomBytes(16);
  if (random.length !== 16) throw new RangeError('KS random must be 16 bytes');

  const pairs = privilegePairs(input.privileges);
  pairs.push(['_e', String(expiry)], ['_t', String(input.type)], ['_u', input.userId ?? '']);
  const fields = Buffer.from(
    pairs.map(([k, v]) => `${phpUrlEncode(k)}=${phpUrlEncode(v)}`).join('&'),
    'ascii',
  );

  const signed = Buffer.concat([random, fields]);
  const plain = Buffer.concat([sha1(signed), signed]);
  // NUL padding, not PKCS#7: the server rtrims NULs after decrypting.
  const padded = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]);
  const cipher = createCipheriv('aes-128-cbc', aesKey(input.secret), Buffer.alloc(16));
  cipher.setAutoPadding(false);
  const encrypted = Buffer.concat([cipher.update(padded), cipher.final()]);
  return Buffer.concat([Buffer.from(`${V2_PREFIX}${input.partnerId}|`, 'ascii'), encrypted])
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** Verifies and reads a KS (v2 or legacy v1). Throws `KsError`. */
export function parseKs(ks: string, secret: string, options: ParseKsOptions = {}): ParsedKs {
  if (typeof ks !== 'string' || ks.length === 0 || ks.length > 8192 || !/^[A-Za-z0-9+/_=-]+$/.test(ks)) {
    throw new KsError('MALFORMED', 'The KS is not a base64 string');
  }
  const decoded = Buffer.from(ks, 'base64');
  const parsed =
    decoded.subarray(0, 3).toString('latin1') === V2_PREFIX
      ? parseV2(decoded, secret)
      : parseV1(decoded, secret);
  if (options.partnerId !== undefined && parsed.partnerId !== options.partnerId) {
    throw new KsError('WRONG_PARTNER', 'The KS belongs to another partner');
  }
  if (!options.allowExpired && parsed.expiry <= (options.now ?? unixNow())) {
    throw new KsError('EXPIRED', 'The KS has expired');
  }
  return parsed;
}

function parseV2(decoded: Buffer, secret: string): ParsedKs {
  const bar = decoded.indexOf(0x7c, V2_PREFIX.length);
  const partnerText = bar < 0 ? '' : decoded.subarray(V2_PREFIX.length, bar).toString('latin1');
  const encrypted = decoded.subarray(bar + 1);
  if (!/^\d{1,10}$/.test(partnerText) || encrypted.length === 0 || encrypted.length % 16 !== 0) {
    throw new KsError('MALFORMED', 'The KS v2 envelope is malformed');
  }
  const decipher = createDecipheriv('aes-128-cbc', aesKey(secret), Buffer.alloc(16));
  decipher.setAutoPadding(false);
  let plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  plain = plain.subarray(0, end);
  if (plain.length < 20 + 16) throw new KsError('INVALID_SIGNATURE', 'The KS signature does not match');
  const signature = plain.subarray(0, 20);
  const signed = plain.subarray(20);
  if (!timingSafeEqual(signature, sha1(signed))) {
    throw new KsError('INVALID_SIGNATURE', 'The KS signature does not match');
  }

  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of signed.subarray(16).toString('latin1').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = phpUrlDecode(eq < 0 ? part : part.slice(0, eq));
    fields[key] = eq < 0 ? '' : phpUrlDecode(part.slice(eq + 1));
  }
  const privileges: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(fields)) if (!key.startsWith('_')) privileges[key] = value;
  const expiry = Number(fields._e);
  const type = Number(fields._t);
  if (!Number.isSafeInteger(expiry) || !Number.isSafeInteger(type)) {
    throw new KsError('MALFORMED', 'The KS lacks its expiry or type');
  }
  return {
    version: 2,
    partnerId: Number(partnerText),
    userId: fields._u ?? '',
    type,
    expiry,
    privileges,
    ...(fields._m ? { masterPartnerId: Number(fields._m) } : {}),
    ...(fields._d ? { additionalData: fields._d } : {}),
  };
}

function parseV1(decoded: Buffer, secret: string): ParsedKs {
  const bar = decoded.indexOf(0x7c);
  const signature = bar === 40 ? decoded.subarray(0, 40).toString('latin1') : '';
  if (!/^[0-9a-f]{40}$/i.test(signature)) throw new KsError('MALFORMED', 'The KS is neither v2 nor v1');
  const info = decoded.subarray(41);
  const expected = createHash('sha1')
    .update(Buffer.concat([Buffer.from(secret, 'utf8'), info]))
    .digest();
  if (!timingSafeEqual(Buffer.from(signature.toLowerCase(), 'hex'), expected)) {
    throw new KsError('INVALID_SIGNATURE', 'The KS signature does not match');
  }
  // pid;pid;expiry;type;rand;userId;privileges;masterPid;additionalData
  const parts = info.toString('utf8').split(';');
  const [partnerId, , expiry, type, , userId, privileges, master, additional] = parts;
  if (parts.length < 7 || !/^\d+$/.test(partnerId) || !/^\d+$/.test(expiry) || !/^\d+$/.test(type)) {
    throw new KsError('MALFORMED', 'The KS v1 fields are malformed');
  }
  const privilegeMap: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of parsePrivilegeString(privileges)) privilegeMap[k] = v;
  return {
    version: 1,
    partnerId: Number(partnerId),
    userId,
    type: Number(type),
    expiry: Number(expiry),
    privileges: privilegeMap,
    ...(master && /^\d+$/.test(master) ? { masterPartnerId: Number(master) } : {}),
    ...(additional ? { additionalData: additional } : {}),
  };
}
