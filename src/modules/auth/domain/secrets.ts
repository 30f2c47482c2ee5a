import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque credentials (API keys, refresh tokens) are 32 random bytes; the service keeps only their SHA-256.
 * A fast hash is right here: the input has 256 bits of entropy, so there is nothing to brute-force, and lookups
 * by hash stay a single indexed read.
 */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Hex SHA-256 of a presented credential: the only form in which credentials are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A short random id (hex), for records whose ids appear in URLs. */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('hex');
}
