import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why a target URL is refused (shown to the admin who registers it; no secrets in it). */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/** Resolves a host name to every address it has (the default is the system resolver, as `http` uses it). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * True for an address on the public internet: ipaddr.js classifies it (IPv4-mapped IPv6 is judged as the IPv4
 * it carries) and only `unicast` passes. Everything else — loopback, private (RFC 1918), link-local (the cloud
 * metadata service at 169.254.169.254 among them), unique-local `fc00::/7`, carrier-grade NAT `100.64.0.0/10`,
 * `0.0.0.0/8`, multicast, reserved, and the IPv6 ranges that embed an IPv4 address (6to4, Teredo, NAT64) — is
 * refused.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export interface TargetPolicy {
  /** Deployment setting (`OUTGOING_WEBHOOKS_ALLOW_PRIVATE=on`): private targets and plain `http:` allowed. */
  allowPrivate: boolean;
}

/** Checks the URL's form: absolute, `https:` (or `http:` when allowed), no credentials in it. */
export function checkTargetUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError('must be an absolute URL');
  }
  const schemes = policy.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol))
    throw new TargetRefusedError(`must start with ${schemes.map((s) => s + '//').join(' or ')}`);
  if (url.username || url.password) throw new TargetRefusedError('must not carry a user name or password');
  if (url.hash) throw new TargetRefusedError('must not have a #fragment');
  return url;
}

/** The host name of a URL as a resolver takes it (`[::1]` → `::1`). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The addresses to connect to for `url`: every address the host resolves to must pass (a name that resolves to
 * one public and one private address is refused: which one a client picks is not ours to guess). The caller
 * connects to the returned address itself, so a DNS answer that changes after this check is never used.
 */
export async function resolveTarget(
  url: URL,
  policy: TargetPolicy,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostOf(url);
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new TargetRefusedError(`the host name ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new TargetRefusedError(`the host name ${host} does not resolve`);
  if (!policy.allowPrivate) {
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused)
      throw new TargetRefusedError(
        `resolves to ${refused.address}, which is not a public address (loopback, private, link-local and ` +
          'similar ranges are refused)',
      );
  }
  const first = addresses[0];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
