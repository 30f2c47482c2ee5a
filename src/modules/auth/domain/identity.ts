/** A Discord user as this service knows them, and the Kaltura user that stands for them. */
export interface Identity {
  discordUserId: string;
  /** `discord_<snowflake>`: stable, so Kaltura sees the same user on every join. */
  kalturaUserId: string;
  displayName: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** When the Kaltura user was last confirmed to exist; null until then (ensured once, then remembered). */
  kalturaUserEnsuredAt: Date | null;
}

/** The Kaltura user id of a Discord user. */
export function kalturaUserIdFor(discordUserId: string): string {
  return `discord_${discordUserId}`;
}
