import { Injectable, Provider } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { ChannelRefusal } from '../channels';

/** Metric names (fixed: dashboards and alerts use them). */
export const NOTIFICATION_METRICS = {
  webhookEvents: 'kd_webhook_events_total',
  notifications: 'kd_notifications_total',
  deliverySeconds: 'kd_notification_delivery_seconds',
  attempts: 'kd_notification_attempts_total',
  queueDepth: 'kd_notification_queue_depth',
  suspensionNotices: 'kd_notification_suspension_notices_total',
} as const;

/** `outcome` of `kd_webhook_events_total`. */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'unauthorized'
  | 'malformed'
  | 'unavailable'
  | 'processed'
  | 'ignored'
  | 'failed';

/** `outcome` of `kd_notifications_total` (what became of a would-be notification). */
export type NotificationOutcome =
  | 'queued'
  | 'duplicate'
  | 'skipped_guild_disabled'
  | 'skipped_type_disabled'
  | 'skipped_no_channel'
  | 'skipped_no_token'
  /** At delivery, the channel failed the channel check (`ChannelRefusal`: other_guild, wrong_type, ...). */
  | `skipped_channel_${ChannelRefusal}`;

/** `outcome` of `kd_notification_attempts_total`. */
export type AttemptOutcome = 'sent' | 'rate_limited' | 'server_error' | 'network_error' | 'rejected' | 'dead';

/** `outcome` of `kd_notification_suspension_notices_total` (telling the admins a channel was suspended). */
export type SuspensionNoticeOutcome = 'sent' | 'no_channel' | 'failed';

/**
 * Queues whose depth `kd_notification_queue_depth` reports. prom-client's registry is process-wide and keeps
 * the first gauge created, so the gauge reads whatever queues are alive rather than capturing one.
 */
const depthSources = new Set<() => Promise<number>>();

export function registerDepthSource(source: () => Promise<number>): () => void {
  depthSources.add(source);
  return () => depthSources.delete(source);
}

export function notificationMetricProviders(): Provider[] {
  return [
    makeCounterProvider({
      name: NOTIFICATION_METRICS.webhookEvents,
      help: 'Kaltura webhooks by mapped type and outcome (intake and processing).',
      labelNames: ['type', 'outcome'],
    }),
    makeCounterProvider({
      name: NOTIFICATION_METRICS.notifications,
      help: 'Notifications by type and what became of them (queued, duplicate, skipped and why).',
      labelNames: ['type', 'outcome'],
    }),
    makeHistogramProvider({
      name: NOTIFICATION_METRICS.deliverySeconds,
      help: 'Seconds from the cause of a notification (webhook received, domain event) to its Discord message.',
      labelNames: ['type'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    }),
    makeCounterProvider({
      name: NOTIFICATION_METRICS.attempts,
      help: 'Discord delivery attempts by outcome.',
      labelNames: ['outcome'],
    }),
    makeCounterProvider({
      name: NOTIFICATION_METRICS.suspensionNotices,
      help: 'Notices to a guild that a notification channel was suspended: sent, no usable channel, failed.',
      labelNames: ['outcome'],
    }),
    makeGaugeProvider({
      name: NOTIFICATION_METRICS.queueDepth,
      help: 'Delivery queue jobs waiting, delayed or running.',
      async collect(this: Gauge<string>) {
        const depths = await Promise.all([...depthSources].map((depth) => depth().catch(() => 0)));
        this.set(depths.reduce((sum, n) => sum + n, 0));
      },
    }),
    NotificationMetrics,
  ];
}

/** The module's metrics behind one small injectable (services stay free of prom-client details). */
@Injectable()
export class NotificationMetrics {
  constructor(
    @InjectMetric(NOTIFICATION_METRICS.webhookEvents) private readonly webhookEvents: Counter<string>,
    @InjectMetric(NOTIFICATION_METRICS.notifications) private readonly notifications: Counter<string>,
    @InjectMetric(NOTIFICATION_METRICS.deliverySeconds) private readonly delivery: Histogram<string>,
    @InjectMetric(NOTIFICATION_METRICS.attempts) private readonly attempts: Counter<string>,
  ) {}

  webhook(type: string, outcome: WebhookOutcome): void {
    this.webhookEvents.inc({ type, outcome });
  }

  notification(type: string, outcome: NotificationOutcome): void {
    this.notifications.inc({ type, outcome });
  }

  attempt(outcome: AttemptOutcome): void {
    this.attempts.inc({ outcome });
  }

  delivered(type: string, seconds: number): void {
    this.delivery.observe({ type }, Math.max(0, seconds));
  }
}
