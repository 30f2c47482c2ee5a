import type { WebhookEventRecord, WebhookEventStatus } from '../domain/notification.types';

/** Received Kaltura webhooks, one per idempotency key. */
export abstract class WebhookEventRepository {
  /** Stores the event unless one with the same id exists; returns the stored one either way. */
  abstract insertIfAbsent(
    event: WebhookEventRecord,
  ): Promise<{ inserted: boolean; event: WebhookEventRecord }>;

  abstract get(id: string): Promise<WebhookEventRecord | null>;

  /** Counts a processing attempt; returns the event after the increment (null when unknown). */
  abstract recordAttempt(id: string): Promise<WebhookEventRecord | null>;

  /** Final state of processing. Only a `received` event changes; returns whether it did. */
  abstract complete(
    id: string,
    result: { status: Exclude<WebhookEventStatus, 'received'>; outcome: string; at: Date },
  ): Promise<boolean>;

  /** Events still `received` that arrived before `before`, oldest first (for recovery after a crash). */
  abstract listReceived(before: Date, limit: number): Promise<WebhookEventRecord[]>;

  /** How many events are stored (operators and tests). */
  abstract count(): Promise<number>;
}
