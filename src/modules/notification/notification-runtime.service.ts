import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HealthRegistry } from '../../platform/health';
import { DiscordMessages } from './discord-rest/discord-messages';
import { KalturaEventProcessor } from './kaltura-event.processor';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NOTIFICATION_OPTIONS, NotificationOptions } from './notification.options';
import { registerDepthSource } from './notification.metrics';
import { NotificationRepository } from './persistence/notification.repository';
import { WebhookEventRepository } from './persistence/webhook-event.repository';
import { DeliveryQueue, QueueJob } from './queue/delivery-queue.port';

/** Events younger than this are left to the normal path by the recovery sweep. */
const RECOVERY_GRACE_MS = 30_000;
const RECOVERY_BATCH = 500;

/**
 * Runs the queue's consumer, registers readiness and the depth gauge, and re-enqueues unfinished work at start
 * and periodically: events stored but never processed, notifications pending or failed (their job lost with a
 * crashed in-process queue, or given up by the queue before the notification's own attempt budget).
 */
@Injectable()
export class NotificationRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('notification');
  private timer: NodeJS.Timeout | null = null;
  private unregisterDepth: (() => void) | null = null;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly processor: KalturaEventProcessor,
    private readonly delivery: NotificationDeliveryService,
    private readonly events: WebhookEventRepository,
    private readonly notifications: NotificationRepository,
    private readonly discord: DiscordMessages,
    private readonly health: HealthRegistry,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register({ name: 'notification-queue', check: () => this.queue.check() });
    this.unregisterDepth = registerDepthSource(() => this.queue.depth());
    this.queue.start((job) => this.handle(job));
    if (!this.discord.available) {
      this.log.log('DISCORD_TOKEN is not set: notifications are recorded as skipped, nothing is posted');
    }
    void this.recover();
    if (this.options.recoveryIntervalMs > 0) {
      this.timer = setInterval(() => void this.recover(), this.options.recoveryIntervalMs);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unregisterDepth?.();
    await this.queue.close();
    this.discord.close();
  }

  /** Re-enqueues unfinished work; safe to run any time (job ids collapse duplicates). */
  async recover(now = new Date()): Promise<{ events: number; notifications: number }> {
    try {
      const events = await this.events.listReceived(
        new Date(now.getTime() - RECOVERY_GRACE_MS),
        RECOVERY_BATCH,
      );
      for (const e of events) {
        await this.queue.enqueue({ kind: 'event', id: e.id, record: e }, { replaceFinished: true });
      }
      const unfinished = await this.notifications.listUnfinished(now, RECOVERY_BATCH);
      for (const n of unfinished) {
        const delayMs = n.nextAttemptAt ? Math.max(0, n.nextAttemptAt.getTime() - now.getTime()) : 0;
        await this.queue.enqueue(
          { kind: 'delivery', id: n.id, record: n },
          { delayMs, replaceFinished: true },
        );
      }
      if (events.length + unfinished.length > 0) {
        this.log.log(
          { events: events.length, notifications: unfinished.length },
          'Recovery re-queued unfinished work',
        );
      }
      return { events: events.length, notifications: unfinished.length };
    } catch (err) {
      this.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'Recovery sweep failed; will retry',
      );
      return { events: 0, notifications: 0 };
    }
  }

  private handle(job: QueueJob): Promise<void> {
    return job.kind === 'event'
      ? this.processor.process(job.id, job.record)
      : this.delivery.deliver(job.id, job.record);
  }
}
