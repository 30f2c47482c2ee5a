import type { WebhookEndpoint } from './domain/webhook-endpoint';

/** Storage of outgoing webhook endpoints. Every read and write by id is scoped to a guild (a guild is a tenant). */
export abstract class WebhookEndpointRepository {
  abstract insert(endpoint: WebhookEndpoint): Promise<void>;
  /** The endpoint if it belongs to `guildId`, else null. */
  abstract get(guildId: string, id: string): Promise<WebhookEndpoint | null>;
  /** The guild's endpoints, oldest first. */
  abstract listByGuild(guildId: string): Promise<WebhookEndpoint[]>;
  /** Replaces the endpoint's fields given; null when it is not the guild's. */
  abstract update(
    guildId: string,
    id: string,
    patch: Partial<Omit<WebhookEndpoint, 'id' | 'guildId' | 'createdAt' | 'createdBy'>>,
  ): Promise<WebhookEndpoint | null>;
  /** True when it existed in the guild and is gone. */
  abstract delete(guildId: string, id: string): Promise<boolean>;
  /** Counts a failed request; returns the count after it (null: the endpoint is gone). */
  abstract recordFailure(guildId: string, id: string): Promise<number | null>;
  /** Resets the failure count after a success. */
  abstract recordSuccess(guildId: string, id: string): Promise<void>;
}
