import { compareNewestFirst, isAfterCursor } from '../domain/ids';
import type { NotificationRecord } from '../domain/notification.types';
import { NotificationListQuery, NotificationPage, NotificationRepository } from './notification.repository';

const clone = <T>(value: T): T => structuredClone(value);
const leaseFree = (n: NotificationRecord, now: Date) => n.leaseUntil === null || n.leaseUntil <= now;

/**
 * Process-memory notifications (development and tests). Every method runs without awaiting in between, so each
 * transition is atomic within the process, like the Mongo adapter's single-document updates.
 */
export class InMemoryNotificationRepository extends NotificationRepository {
  private readonly items = new Map<string, NotificationRecord>();

  constructor(private readonly capacity = 100_000) {
    super();
  }

  async createIfAbsent(notification: NotificationRecord) {
    const existing = this.items.get(notification.id);
    if (existing) return { created: false, notification: clone(existing) };
    if (this.items.size >= this.capacity) {
      // Bounded memory: forget the oldest finished one (a Map iterates in insertion order).
      for (const [id, n] of this.items) {
        if (n.status !== 'pending' && n.status !== 'failed') {
          this.items.delete(id);
          break;
        }
      }
    }
    this.items.set(notification.id, clone(notification));
    return { created: true, notification: clone(notification) };
  }

  async get(id: string) {
    const n = this.items.get(id);
    return n ? clone(n) : null;
  }

  async beginAttempt(id: string, now: Date, leaseMs: number) {
    const n = this.items.get(id);
    if (!n || (n.status !== 'pending' && n.status !== 'failed') || !leaseFree(n, now)) return null;
    n.attempts += 1;
    n.leaseUntil = new Date(now.getTime() + leaseMs);
    n.updatedAt = now;
    return clone(n);
  }

  async markSent(id: string, result: { messageId: string; channelId: string; at: Date }) {
    this.update(id, {
      status: 'sent',
      messageId: result.messageId,
      channelId: result.channelId,
      sentAt: result.at,
      lastError: null,
      nextAttemptAt: null,
      leaseUntil: null,
      updatedAt: result.at,
    });
  }

  async markFailed(
    id: string,
    f: { error: string; nextAttemptAt: Date; at: Date; channelId?: string | null },
  ) {
    this.update(id, {
      status: 'failed',
      lastError: f.error,
      nextAttemptAt: f.nextAttemptAt,
      leaseUntil: null,
      updatedAt: f.at,
      ...(f.channelId ? { channelId: f.channelId } : {}),
    });
  }

  async markDead(id: string, f: { error: string; at: Date; channelId?: string | null }) {
    this.update(id, {
      status: 'dead',
      lastError: f.error,
      nextAttemptAt: null,
      leaseUntil: null,
      updatedAt: f.at,
      ...(f.channelId ? { channelId: f.channelId } : {}),
    });
  }

  async markSkipped(id: string, reason: string, at: Date) {
    this.update(id, {
      status: 'skipped',
      lastError: reason,
      nextAttemptAt: null,
      leaseUntil: null,
      updatedAt: at,
    });
  }

  async listByGuild(guildId: string, query: NotificationListQuery): Promise<NotificationPage> {
    const matching = [...this.items.values()]
      .filter(
        (n) =>
          n.guildId === guildId &&
          (!query.status || n.status === query.status) &&
          (!query.type || n.type === query.type) &&
          (!query.after || isAfterCursor(n, query.after)),
      )
      .sort(compareNewestFirst);
    const items = matching.slice(0, query.limit).map(clone);
    const last = items[items.length - 1];
    return matching.length > query.limit && last
      ? { items, next: { createdAt: last.createdAt, id: last.id } }
      : { items };
  }

  async listUnfinished(now: Date, limit: number) {
    return [...this.items.values()]
      .filter((n) => (n.status === 'pending' || n.status === 'failed') && leaseFree(n, now))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit)
      .map(clone);
  }

  private update(id: string, patch: Partial<NotificationRecord>): void {
    const n = this.items.get(id);
    if (n) Object.assign(n, patch);
  }
}
