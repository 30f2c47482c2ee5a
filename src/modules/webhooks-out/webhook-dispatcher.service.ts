import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DomainEvent, EVENT_BUS_LOCAL_PUBLISHED } from '../../platform/events';
import { DeliveryQueue } from '../notification';
import type { OutgoingEvent, WebhookJobRecord } from './domain/webhook-payload';
import { type WebhookEndpoint, wants } from './domain/webhook-endpoint';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WEBHOOKS_OUT_QUEUE } from './webhooks-out.queue';

/**
 * Turns an event into one queued delivery per endpoint of its guild that wants its type. The job id is the event
 * id and the endpoint id, so an event queued twice (a retried publish, two listeners) is delivered once per
 * endpoint. Called on the replica that published the event only (the bus's local-published hook).
 */
@Injectable()
export class WebhookDispatcher {
  private readonly log = new Logger('webhooks-out');

  constructor(
    private readonly repository: WebhookEndpointRepository,
    @Inject(WEBHOOKS_OUT_QUEUE) private readonly queue: DeliveryQueue,
  ) {}

  /**
   * The bus emits this on the publishing replica only, once per event: so each event is queued once cluster-wide
   * (every replica's bus subscribers would queue it once per replica).
   */
  @OnEvent(EVENT_BUS_LOCAL_PUBLISHED)
  onPublished(event: DomainEvent): Promise<number> {
    return this.dispatch(event);
  }

  /** Queues `event` for every interested endpoint; returns how many. Never throws (a bus listener). */
  async dispatch(event: OutgoingEvent): Promise<number> {
    try {
      const endpoints = (await this.repository.listByGuild(event.guildId)).filter((e) =>
        wants(e, event.type),
      );
      await Promise.all(endpoints.map((e) => this.enqueue(event, e)));
      return endpoints.length;
    } catch (err) {
      this.log.error(
        { eventId: event.id, type: event.type, guildId: event.guildId, err: String(err) },
        'Could not queue outgoing webhooks for an event',
      );
      return 0;
    }
  }

  async enqueue(event: OutgoingEvent, endpoint: WebhookEndpoint): Promise<void> {
    const record: WebhookJobRecord = { endpointId: endpoint.id, event };
    await this.queue.enqueue({ kind: 'webhook', id: `${event.id}.${endpoint.id}`, record });
  }
}
