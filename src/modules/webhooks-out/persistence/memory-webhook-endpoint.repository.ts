import type { WebhookEndpoint } from '../domain/webhook-endpoint';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';

const copy = (e: WebhookEndpoint): WebhookEndpoint => ({ ...e, eventTypes: [...e.eventTypes] });

/** Endpoints in this process's memory (`STORAGE=memory`). */
export class InMemoryWebhookEndpointRepository extends WebhookEndpointRepository {
  private readonly endpoints = new Map<string, WebhookEndpoint>();

  async insert(endpoint: WebhookEndpoint): Promise<void> {
    if (this.endpoints.has(endpoint.id)) throw new Error(`Duplicate endpoint id ${endpoint.id}`);
    this.endpoints.set(endpoint.id, copy(endpoint));
  }

  async get(guildId: string, id: string): Promise<WebhookEndpoint | null> {
    const found = this.endpoints.get(id);
    return found && found.guildId === guildId ? copy(found) : null;
  }

  async listByGuild(guildId: string): Promise<WebhookEndpoint[]> {
    return [...this.endpoints.values()]
      .filter((e) => e.guildId === guildId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map(copy);
  }

  async update(
    guildId: string,
    id: string,
    patch: Partial<WebhookEndpoint>,
  ): Promise<WebhookEndpoint | null> {
    const found = this.endpoints.get(id);
    if (!found || found.guildId !== guildId) return null;
    const next = copy({ ...found, ...patch, id: found.id, guildId: found.guildId });
    this.endpoints.set(id, next);
    return copy(next);
  }

  async delete(guildId: string, id: string): Promise<boolean> {
    const found = this.endpoints.get(id);
    if (!found || found.guildId !== guildId) return false;
    return this.endpoints.delete(id);
  }

  async recordFailure(guildId: string, id: string): Promise<number | null> {
    const found = this.endpoints.get(id);
    if (!found || found.guildId !== guildId) return null;
    found.consecutiveFailures++;
    return found.consecutiveFailures;
  }

  async recordSuccess(guildId: string, id: string): Promise<void> {
    const found = this.endpoints.get(id);
    if (found && found.guildId === guildId) found.consecutiveFailures = 0;
  }
}
