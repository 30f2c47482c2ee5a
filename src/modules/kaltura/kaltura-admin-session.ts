import { KsType, mintKs } from './ks.codec';

export interface AdminSessionOptions {
  /** Lifetime of each admin KS (default 24 h). */
  ttlSeconds: number;
  /** Renew this long before expiry (default 1 h; capped at half the TTL). */
  renewBeforeSeconds: number;
  /** Clock, unix seconds. */
  now: () => number;
}

/**
 * One ADMIN KS per process, minted locally (no `session.start` round trip) and renewed before it expires.
 * `invalidate` drops it when Kaltura answers INVALID_KS (a rotated secret, a clock skew, a revoked session).
 */
export class KalturaAdminSession {
  private current?: { ks: string; expiresAt: number };

  constructor(
    private readonly partner: { partnerId: number; adminSecret: string },
    private readonly options: AdminSessionOptions,
  ) {}

  /** The cached KS, or a fresh one when it is missing or near expiry. */
  get(): string {
    const now = this.options.now();
    const renewBefore = Math.min(this.options.renewBeforeSeconds, this.options.ttlSeconds / 2);
    if (!this.current || this.current.expiresAt - renewBefore <= now) {
      const expiresAt = now + this.options.ttlSeconds;
      const ks = mintKs({
        secret: this.partner.adminSecret,
        partnerId: this.partner.partnerId,
        type: KsType.ADMIN,
        userId: '',
        // Server-side integration: entitlement filters would hide rooms created by other users.
        privileges: 'disableentitlement',
        expiresAt,
        now,
      });
      this.current = { ks, expiresAt };
    }
    return this.current.ks;
  }

  /** Forgets `ks` if it is still the cached one (a concurrent caller may already have renewed it). */
  invalidate(ks: string): void {
    if (this.current?.ks === ks) this.current = undefined;
  }
}
