import { createHash, timingSafeEqual } from 'node:crypto';

/** The algorithms Kaltura signs with (`X-KALTURA-HASH-ALGO`); anything else is refused. */
export const WEBHOOK_HASH_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export type WebhookHashAlgorithm = (typeof WEBHOOK_HASH_ALGORITHMS)[number];

const HEX_LENGTH: Record<WebhookHashAlgorithm, number> = { sha1: 40, sha256: 64, sha512: 128 };

/** Why a signature was refused (all answer 401). */
export type SignatureFailure =
  'missing_signature' | 'unsupported_algorithm' | 'malformed_signature' | 'mismatch';

export type SignatureCheck =
  { ok: true; algorithm: WebhookHashAlgorithm } | { ok: false; reason: SignatureFailure };

/**
 * Kaltura's webhook signature: `hex(hash(algo, secret + rawBody))` — a plain hash of the concatenation, not an
 * HMAC (kaltura/server computes `sha1($secret . $data)`, or `hash($algo, …)` on servers that send the algorithm).
 */
export function signWebhookBody(
  secret: string,
  body: Buffer | string,
  algorithm: WebhookHashAlgorithm = 'sha1',
): string {
  return createHash(algorithm).update(secret, 'utf8').update(body).digest('hex');
}

function single(header: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(header)) return header.length === 1 ? header[0] : null;
  return header;
}

/**
 * Checks `X-KALTURA-SIGNATURE` over the exact bytes received. The algorithm header is optional (older servers
 * omit it: sha1). The comparison is constant-time; only the digest length (public) can end it early.
 */
export function verifyWebhookSignature(input: {
  body: Buffer;
  secret: string;
  signature: string | string[] | undefined;
  algorithm: string | string[] | undefined;
}): SignatureCheck {
  const signature = single(input.signature);
  if (signature === undefined || signature === '') return { ok: false, reason: 'missing_signature' };
  if (signature === null) return { ok: false, reason: 'malformed_signature' };
  const rawAlgorithm = single(input.algorithm);
  if (rawAlgorithm === null) return { ok: false, reason: 'unsupported_algorithm' };
  const algorithm = (rawAlgorithm ?? 'sha1').trim().toLowerCase();
  if (!(WEBHOOK_HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
    return { ok: false, reason: 'unsupported_algorithm' };
  }
  const algo = algorithm as WebhookHashAlgorithm;
  const given = signature.trim();
  if (given.length !== HEX_LENGTH[algo] || !/^[0-9a-fA-F]+$/.test(given)) {
    return { ok: false, reason: 'malformed_signature' };
  }
  const expected = createHash(algo).update(input.secret, 'utf8').update(input.body).digest();
  const equal = timingSafeEqual(expected, Buffer.from(given, 'hex'));
  return equal ? { ok: true, algorithm: algo } : { ok: false, reason: 'mismatch' };
}
