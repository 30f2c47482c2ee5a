import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HealthRegistry } from '../../platform/health';
import { DeliveryQueue } from '../notification';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookSender } from './webhook-sender';
import { WEBHOOKS_OUT_QUEUE } from './webhooks-out.queue';

/** Starts the delivery worker and its readiness check; on shutdown lets running requests finish (bounded). */
@Injectable()
export class WebhooksOutRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(WEBHOOKS_OUT_QUEUE) private readonly queue: DeliveryQueue,
    private readonly delivery: WebhookDeliveryService,
    private readonly sender: WebhookSender,
    private readonly health: HealthRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register({ name: 'webhooks-out-queue', check: () => this.queue.check() });
    this.queue.start((job, context) => this.delivery.handle(job, context));
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
    this.sender.close();
  }
}
