import type { Meeting } from './domain/meeting';

/**
 * Where meetings are stored. Bound by `repositoryProvider` to the in-memory or the MongoDB adapter; both pass
 * `test/contracts/meeting-repository.contract.ts`. Returned meetings are copies: changing them changes nothing.
 */
export abstract class MeetingRepository {
  /** Stores a new meeting; rejects when the id exists. */
  abstract insert(meeting: Meeting): Promise<void>;
  /** Any guild's meeting (webhooks know only the id). */
  abstract findById(id: string): Promise<Meeting | null>;
  /** The meeting when it belongs to `guildId`, else null. */
  abstract findInGuild(guildId: string, id: string): Promise<Meeting | null>;
  /** Active meetings of a guild, newest first, at most `limit`. */
  abstract listActive(guildId: string, limit: number): Promise<Meeting[]>;
  /** How many active meetings the guild has (only those `hostId` hosts, when given): the active-meeting caps. */
  abstract countActive(guildId: string, hostId?: string): Promise<number>;
  /**
   * Ends an active meeting atomically (one writer wins across replicas). Returns the ended meeting, or null when
   * it was not active (already ended, or unknown).
   */
  abstract markEnded(id: string, end: { endedAt: Date; endedBy: string }): Promise<Meeting | null>;
  /** Records the public meeting message. False when the meeting is not in that guild. */
  abstract setMessage(
    guildId: string,
    id: string,
    ref: { channelId: string; messageId: string },
  ): Promise<boolean>;
}
