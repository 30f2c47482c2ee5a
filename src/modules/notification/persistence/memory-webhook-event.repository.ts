import type { WebhookEventRecord, WebhookEventStatus } from '../domain/notification.types';
import { WebhookEventRepository } from './webhook-event.repository';

const clone = <T>(value: T): T => structuredClone(value);

/** Process-memory webhook events (development and tests), bounded: the oldest are forgotten first. */
export class InMemoryWebhookEventRepository extends WebhookEventRepository {
  private readonly events = new Map<string, WebhookEventRecord>();

  constructor(private readonly capacity = 100_000) {
    super();
  }

  async insertIfAbsent(event: WebhookEventRecord) {
    const existing = this.events.get(event.id);
    if (existing) return { inserted: false, event: clone(existing) };
    if (this.events.size >= this.capacity) {
      const oldest = this.events.keys().next();
      if (!oldest.done) this.events.delete(oldest.value);
    }
    this.events.set(event.id, clone(event));
    return { inserted: true, event: clone(event) };
  }

  async get(id: string) {
    const e = this.events.get(id);
    return e ? clone(e) : null;
  }

  async recordAttempt(id: string) {
    const e = this.events.get(id);
    if (!e) return null;
    e.attempts += 1;
    return clone(e);
  }

  async complete(
    id: string,
    result: { status: Exclude<WebhookEventStatus, 'received'>; outcome: string; at: Date },
  ) {
    const e = this.events.get(id);
    if (!e || e.status !== 'received') return false;
    Object.assign(e, { status: result.status, outcome: result.outcome, processedAt: result.at });
    return true;
  }

  async listReceived(before: Date, limit: number) {
    return [...this.events.values()]
      .filter((e) => e.status === 'received' && e.receivedAt < before)
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
      .slice(0, limit)
      .map(clone);
  }

  async count() {
    return this.events.size;
  }
}
