import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_TYPES } from '../../platform/events';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors';
import { Settings } from '../../platform/settings';
import { TargetPolicy, TargetRefusedError, checkTargetUrl, resolveTarget } from './domain/target-guard';
import { EVENT_TYPE_PATTERN, WebhookEndpoint, WebhookEndpointView, viewOf } from './domain/webhook-endpoint';
import { generateWebhookSecret } from './domain/webhook-signature';
import { TARGET_RESOLVER } from './webhooks-out.options';
import type { Resolver } from './domain/target-guard';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WEBHOOKS_OUT_OPTIONS, WebhooksOutOptions } from './webhooks-out.options';

export interface EndpointInput {
  url?: string;
  eventTypes?: string[];
  description?: string;
  enabled?: boolean;
}

const NOT_FOUND = () => new NotFoundError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint in this guild.');

/**
 * Guild admins' outgoing webhook endpoints: create (the secret is returned once), list, get, update, delete,
 * rotate the secret, send a test event. Every call is scoped to the guild in the route; an id of another guild is
 * "not found". A URL is checked for SSRF safety here and again at every delivery.
 */
@Injectable()
export class WebhookEndpointsService {
  private readonly log = new Logger('webhooks-out');
  private readonly policy: TargetPolicy;

  constructor(
    private readonly repository: WebhookEndpointRepository,
    private readonly dispatcher: WebhookDispatcher,
    settings: Settings,
    @Inject(TARGET_RESOLVER) private readonly resolve: Resolver,
    @Inject(WEBHOOKS_OUT_OPTIONS) private readonly options: WebhooksOutOptions,
  ) {
    this.policy = { allowPrivate: settings.webhooksOut.allowPrivate };
  }

  async create(
    guildId: string,
    input: Required<Pick<EndpointInput, 'url' | 'eventTypes'>> & EndpointInput,
    createdBy: string,
  ): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    const url = await this.checkUrl(input.url);
    const eventTypes = checkEventTypes(input.eventTypes);
    if ((await this.repository.listByGuild(guildId)).length >= this.options.maxEndpointsPerGuild)
      throw new ConflictError(
        'WEBHOOK_LIMIT',
        `A guild may register at most ${this.options.maxEndpointsPerGuild} webhook endpoints.`,
      );
    const now = new Date();
    const endpoint: WebhookEndpoint = {
      id: `we_${randomBytes(12).toString('hex')}`,
      guildId,
      url,
      eventTypes,
      description: input.description?.trim() ?? '',
      secret: generateWebhookSecret(),
      enabled: input.enabled ?? true,
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
      createdBy,
    };
    await this.repository.insert(endpoint);
    this.log.log({ guildId, endpointId: endpoint.id, eventTypes }, 'Webhook endpoint created');
    return { endpoint: viewOf(endpoint), secret: endpoint.secret };
  }

  async list(guildId: string): Promise<WebhookEndpointView[]> {
    return (await this.repository.listByGuild(guildId)).map(viewOf);
  }

  async get(guildId: string, id: string): Promise<WebhookEndpointView> {
    const found = await this.repository.get(guildId, id);
    if (!found) throw NOT_FOUND();
    return viewOf(found);
  }

  /** Changes what is given; enabling an endpoint (again) clears its failure count and disabled reason. */
  async update(guildId: string, id: string, input: EndpointInput): Promise<WebhookEndpointView> {
    if (!(await this.repository.get(guildId, id))) throw NOT_FOUND();
    const patch: Partial<WebhookEndpoint> = { updatedAt: new Date() };
    if (input.url !== undefined) patch.url = await this.checkUrl(input.url);
    if (input.eventTypes !== undefined) patch.eventTypes = checkEventTypes(input.eventTypes);
    if (input.description !== undefined) patch.description = input.description.trim();
    if (input.enabled !== undefined) {
      patch.enabled = input.enabled;
      patch.disabledReason = null;
      if (input.enabled) patch.consecutiveFailures = 0;
    }
    const updated = await this.repository.update(guildId, id, patch);
    if (!updated) throw NOT_FOUND();
    return viewOf(updated);
  }

  async delete(guildId: string, id: string): Promise<void> {
    if (!(await this.repository.delete(guildId, id))) throw NOT_FOUND();
    this.log.log({ guildId, endpointId: id }, 'Webhook endpoint deleted');
  }

  /** A new secret, returned once; deliveries signed from now on use it (queued retries included). */
  async rotateSecret(
    guildId: string,
    id: string,
  ): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    const secret = generateWebhookSecret();
    const updated = await this.repository.update(guildId, id, { secret, updatedAt: new Date() });
    if (!updated) throw NOT_FOUND();
    this.log.log({ guildId, endpointId: id }, 'Webhook secret rotated');
    return { endpoint: viewOf(updated), secret };
  }

  /** Queues a `webhook.test` event to this endpoint only (even if it does not subscribe to that type). */
  async sendTest(guildId: string, id: string): Promise<{ eventId: string }> {
    const endpoint = await this.repository.get(guildId, id);
    if (!endpoint) throw NOT_FOUND();
    const event = {
      id: `evt_test_${randomUUID()}`,
      type: 'webhook.test',
      version: 1,
      guildId,
      occurredAt: new Date().toISOString(),
      data: { endpointId: id },
    };
    await this.dispatcher.enqueue(event, endpoint);
    return { eventId: event.id };
  }

  private async checkUrl(raw: string): Promise<string> {
    try {
      const url = checkTargetUrl(raw.trim(), this.policy);
      await resolveTarget(url, this.policy, this.resolve);
      return url.toString();
    } catch (err) {
      if (err instanceof TargetRefusedError)
        throw new ValidationFailedError(
          [{ field: 'url', message: err.message }],
          'The webhook URL is refused.',
        );
      throw err;
    }
  }
}

/** Types an endpoint may subscribe to: the bus's catalogue (docs/events.md) and `*`. */
const KNOWN_TYPES = new Set(['*', ...EVENT_TYPES.map((t) => t.type)]);

function checkEventTypes(types: string[]): string[] {
  const bad = types.filter((t) => !EVENT_TYPE_PATTERN.test(t) || !KNOWN_TYPES.has(t));
  if (types.length === 0 || bad.length > 0)
    throw new ValidationFailedError([
      {
        field: 'eventTypes',
        message:
          types.length === 0
            ? 'must name at least one event type (or "*")'
            : `are not event types of docs/events.md: ${bad.slice(0, 5).join(', ')}`,
      },
    ]);
  return [...new Set(types)];
}
