import type { NotificationType } from '../../config';
import type { ListCursor } from '../domain/ids';
import type { NotificationRecord, NotificationStatus } from '../domain/notification.types';

/** A page of a guild's notifications, newest first. */
export interface NotificationPage {
  items: NotificationRecord[];
  /** Where the next page starts; absent on the last page. */
  next?: ListCursor;
}

export interface NotificationListQuery {
  status?: NotificationStatus;
  type?: NotificationType;
  limit: number;
  after?: ListCursor;
}

/**
 * Stored notifications and their delivery status. Every transition is atomic per notification, so two workers
 * (replicas, or a stalled job re-run) can never both post the same notification.
 */
export abstract class NotificationRepository {
  /** Stores it unless one with the same id exists; returns the stored one either way. */
  abstract createIfAbsent(
    notification: NotificationRecord,
  ): Promise<{ created: boolean; notification: NotificationRecord }>;

  abstract get(id: string): Promise<NotificationRecord | null>;

  /**
   * Claims the next attempt: only a `pending` or `failed` notification whose lease is free (absent or expired)
   * can be claimed. Counts the attempt and sets `leaseUntil = now + leaseMs`. null when it cannot be claimed.
   */
  abstract beginAttempt(id: string, now: Date, leaseMs: number): Promise<NotificationRecord | null>;

  /** Posted: status `sent`, message id recorded, lease released. */
  abstract markSent(id: string, result: { messageId: string; channelId: string; at: Date }): Promise<void>;

  /** The attempt failed and another is scheduled: status `failed`, lease released. */
  abstract markFailed(
    id: string,
    failure: { error: string; nextAttemptAt: Date; at: Date; channelId?: string | null },
  ): Promise<void>;

  /** Given up: status `dead`, lease released. */
  abstract markDead(
    id: string,
    failure: { error: string; at: Date; channelId?: string | null },
  ): Promise<void>;

  /** Nothing will be posted, for `reason`. */
  abstract markSkipped(id: string, reason: string, at: Date): Promise<void>;

  /** A guild's notifications, newest first, optionally filtered. */
  abstract listByGuild(guildId: string, query: NotificationListQuery): Promise<NotificationPage>;

  /** `pending`/`failed` notifications without a live lease (for re-enqueueing after a crash), oldest first. */
  abstract listUnfinished(now: Date, limit: number): Promise<NotificationRecord[]>;
}
