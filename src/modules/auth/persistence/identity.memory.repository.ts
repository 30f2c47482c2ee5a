import { Identity, kalturaUserIdFor } from '../domain/identity';
import { IdentityRepository } from '../identity.port';

/** In-process identities (development and tests; one replica only). */
export class MemoryIdentityRepository extends IdentityRepository {
  private readonly rows = new Map<string, Identity>();

  async recordSeen(input: { discordUserId: string; displayName: string; at: Date }): Promise<Identity> {
    const existing = this.rows.get(input.discordUserId);
    const next: Identity = existing
      ? { ...existing, displayName: input.displayName, lastSeenAt: input.at }
      : {
          discordUserId: input.discordUserId,
          kalturaUserId: kalturaUserIdFor(input.discordUserId),
          displayName: input.displayName,
          firstSeenAt: input.at,
          lastSeenAt: input.at,
          kalturaUserEnsuredAt: null,
        };
    this.rows.set(input.discordUserId, next);
    return structuredClone(next);
  }

  async get(discordUserId: string): Promise<Identity | null> {
    const row = this.rows.get(discordUserId);
    return row ? structuredClone(row) : null;
  }

  async markKalturaUserEnsured(discordUserId: string, at: Date): Promise<void> {
    const row = this.rows.get(discordUserId);
    if (row) this.rows.set(discordUserId, { ...row, kalturaUserEnsuredAt: at });
  }
}
