import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ForbiddenError, UnauthorizedError, UnavailableError } from '../../platform/errors';
import { Settings } from '../../platform/settings';
import { classifyKalturaEvent } from './domain/kaltura-event.classifier';
import { webhookEventId } from './domain/ids';
import type { WebhookEventRecord } from './domain/notification.types';
import { parseWebhookBody } from './domain/webhook-payload';
import { verifyWebhookSignature } from './domain/webhook-signature';
import { NotificationMetrics } from './notification.metrics';
import { WebhookEventRepository } from './persistence/webhook-event.repository';
import { DeliveryQueue } from './queue/delivery-queue.port';

/** A webhook request as the intake needs it: the exact bytes and the headers. */
export interface WebhookRequest {
  body: Buffer;
  contentType: string | undefined;
  signature: string | string[] | undefined;
  algorithm: string | string[] | undefined;
}

export interface WebhookReceipt {
  eventId: string;
  /** True when this event was already stored (Kaltura retried it): nothing is done twice. */
  duplicate: boolean;
}

const SIGNATURE_MESSAGES = {
  missing_signature: 'The X-KALTURA-SIGNATURE header is missing.',
  unsupported_algorithm: 'X-KALTURA-HASH-ALGO must be sha1, sha256 or sha512.',
  malformed_signature: 'The X-KALTURA-SIGNATURE header is not a hex digest of the announced algorithm.',
  mismatch: 'The signature does not match the body.',
} as const;

/**
 * Kaltura webhook intake: signature over the raw bytes, then parsing, then one durable write keyed on the
 * event's idempotency key. Nothing is stored for a request that fails a check. Processing happens in the queue,
 * so the answer is fast; a duplicate is answered 200 and does nothing (except re-queueing an event whose
 * processing never started, e.g. after a crash).
 */
@Injectable()
export class WebhookIntakeService {
  private readonly log = new Logger('notification-webhook');

  constructor(
    private readonly settings: Settings,
    private readonly events: WebhookEventRepository,
    private readonly queue: DeliveryQueue,
    private readonly metrics: NotificationMetrics,
  ) {}

  async receive(request: WebhookRequest): Promise<WebhookReceipt> {
    const secret = this.settings.kaltura.webhookSecret;
    if (secret === null) {
      // Production sandbox without KALTURA_WEBHOOK_SECRET: the only secret at hand is public, so nothing is
      // authentic. Refused before reading a byte of it (the start-up report says so too).
      this.metrics.webhook('unknown', 'unauthorized');
      throw new ForbiddenError(
        'WEBHOOK_INTAKE_DISABLED',
        'Kaltura webhooks are refused: this instance has no webhook secret configured.',
      );
    }
    const signature = verifyWebhookSignature({
      body: request.body,
      secret,
      signature: request.signature,
      algorithm: request.algorithm,
    });
    if (!signature.ok) {
      this.metrics.webhook('unknown', 'unauthorized');
      this.log.warn(
        { reason: signature.reason, bytes: request.body.length },
        'Kaltura webhook refused: bad signature',
      );
      throw new UnauthorizedError('WEBHOOK_SIGNATURE_INVALID', SIGNATURE_MESSAGES[signature.reason]);
    }
    const parsed = parseWebhookBody(request.body, request.contentType);
    if (!parsed.ok) {
      this.metrics.webhook('unknown', 'malformed');
      this.log.warn({ code: parsed.code, bytes: request.body.length }, 'Kaltura webhook refused: malformed');
      throw new DomainError(
        parsed.code,
        parsed.message,
        parsed.status,
        parsed.errors ? { errors: parsed.errors } : undefined,
      );
    }
    const payload = parsed.payload;
    const mapping = classifyKalturaEvent(payload);
    const record: WebhookEventRecord = {
      id: webhookEventId(payload.eventNotificationJobId, request.body),
      jobId: payload.eventNotificationJobId ?? null,
      receivedAt: new Date(),
      format: payload.format,
      eventType: payload.eventType ?? null,
      eventObjectType: payload.eventObjectType ?? null,
      objectType:
        typeof payload.object.objectType === 'string' ? payload.object.objectType.slice(0, 200) : null,
      templateSystemName: payload.templateSystemName?.slice(0, 200) ?? null,
      mapping,
      status: 'received',
      outcome: null,
      attempts: 0,
      processedAt: null,
    };

    let stored: { inserted: boolean; event: WebhookEventRecord };
    try {
      stored = await this.events.insertIfAbsent(record);
    } catch (err) {
      this.metrics.webhook(mapping.kind, 'unavailable');
      this.log.error({ err, eventId: record.id }, 'Could not store a Kaltura webhook');
      throw new UnavailableError(
        'WEBHOOK_STORAGE_UNAVAILABLE',
        'The event could not be stored; retry later.',
      );
    }
    this.metrics.webhook(mapping.kind, stored.inserted ? 'accepted' : 'duplicate');
    if (stored.event.status === 'received') {
      // Stored durably already: should the queue be down, the recovery sweep picks the event up later.
      await this.queue
        .enqueue({ kind: 'event', id: stored.event.id, record: stored.event })
        .catch((err: unknown) =>
          this.log.warn(
            { err: err instanceof Error ? err.message : String(err), eventId: stored.event.id },
            'Kaltura webhook stored but not queued; recovery will queue it',
          ),
        );
    }
    return { eventId: stored.event.id, duplicate: !stored.inserted };
  }
}
