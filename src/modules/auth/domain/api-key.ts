import type { MemberRole } from '../../config';
import { randomId, randomSecret, sha256Hex } from './secrets';

/** Every API key starts with this, so leaked keys are recognisable by secret scanners and in support tickets. */
export const API_KEY_PREFIX = 'kd_live_';
const API_KEY_SHAPE = /^kd_live_[A-Za-z0-9_-]{43}$/;

/** A guild-scoped API key as stored: never the key itself, only its hash. */
export interface ApiKey {
  /** `ak_<hex>`: the token subject of the key, shown in lists and used to revoke it. */
  id: string;
  guildId: string;
  name: string;
  /** The role its access tokens carry in the guild. */
  role: MemberRole;
  /** SHA-256 (hex) of the whole key. */
  secretHash: string;
  /** The first characters of the key, so a person can tell keys apart without seeing them. */
  hint: string;
  /** Discord user id of the admin who created it. */
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A fresh key: the record to store and the plaintext to show exactly once. */
export function generateApiKey(input: {
  guildId: string;
  name: string;
  role: MemberRole;
  createdBy: string;
  now: Date;
}): { record: ApiKey; plaintext: string } {
  const plaintext = `${API_KEY_PREFIX}${randomSecret(32)}`;
  return {
    plaintext,
    record: {
      id: `ak_${randomId(12)}`,
      guildId: input.guildId,
      name: input.name,
      role: input.role,
      secretHash: sha256Hex(plaintext),
      hint: `${plaintext.slice(0, API_KEY_PREFIX.length + 4)}…`,
      createdBy: input.createdBy,
      createdAt: input.now,
      lastUsedAt: null,
      revokedAt: null,
    },
  };
}

/** Cheap shape check before any lookup. */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_SHAPE.test(value);
}
