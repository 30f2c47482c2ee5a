import type { Identity } from './domain/identity';

/** Storage of Discord → Kaltura identities. Bound to Mongo or memory by `repositoryProvider`. */
export abstract class IdentityRepository {
  /**
   * Records that the user was seen now: creates the identity on first sight (first = last seen, Kaltura user
   * id `discord_<id>`), otherwise refreshes the display name and last-seen time. Returns the stored identity.
   */
  abstract recordSeen(input: { discordUserId: string; displayName: string; at: Date }): Promise<Identity>;
  abstract get(discordUserId: string): Promise<Identity | null>;
  /** Remembers that the Kaltura user exists. No-op for an unknown identity. */
  abstract markKalturaUserEnsured(discordUserId: string, at: Date): Promise<void>;
}
