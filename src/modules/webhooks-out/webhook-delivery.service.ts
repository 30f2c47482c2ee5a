import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { DropJobError, JobContext, QueueJob, RetryJobError, SuspensionNotices } from '../notification';
import type { WebhookEndpoint } from './domain/webhook-endpoint';
import { readJobRecord, webhookBody } from './domain/webhook-payload';
import { signWebhook } from './domain/webhook-signature';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { SendResult, WebhookSender } from './webhook-sender';
import { WEBHOOKS_OUT_METRICS, WebhookAttemptOutcome } from './webhooks-out.metrics';
import { WEBHOOKS_OUT_OPTIONS, WebhooksOutOptions } from './webhooks-out.options';

/** How long the "endpoint disabled" notice is claimed (one notice per disabling, across replicas). */
const NOTICE_CLAIM_MS = 24 * 60 * 60_000;

/** What an answer (or its absence) means: delivered, retry later, or give up on this delivery. */
export function classify(result: SendResult): WebhookAttemptOutcome {
  if (result.refused) return 'refused_target';
  const status = result.status;
  if (status === null) return 'network_error';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  // 3xx (redirects are not followed) and the other 4xx: the receiver refused it; a retry would get the same.
  return 'rejected';
}

const RETRYABLE = new Set<WebhookAttemptOutcome>(['server_error', 'rate_limited', 'network_error']);

function describe(result: SendResult): string {
  return result.status !== null ? `HTTP ${result.status}` : (result.error ?? 'no answer');
}

/**
 * Runs one queued delivery: signs the event for the endpoint (Standard Webhooks headers; `webhook-id` is the event
 * id, the same on every retry, so a receiver can deduplicate), sends it, and decides what a failure means: retried
 * with backoff on 5xx, 408, 429, timeouts and network errors (a `Retry-After` is honoured, capped), not retried on
 * other answers. Every failed request counts towards the endpoint's failures in a row; at the limit the endpoint
 * is disabled and the guild's admins are told.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly log = new Logger('webhooks-out');

  constructor(
    private readonly repository: WebhookEndpointRepository,
    private readonly sender: WebhookSender,
    private readonly notices: SuspensionNotices,
    @Inject(WEBHOOKS_OUT_OPTIONS) private readonly options: WebhooksOutOptions,
    @InjectMetric(WEBHOOKS_OUT_METRICS.attempts) private readonly attempts: Counter<string>,
    @InjectMetric(WEBHOOKS_OUT_METRICS.seconds) private readonly seconds: Histogram<string>,
    @InjectMetric(WEBHOOKS_OUT_METRICS.disabled) private readonly disabled: Counter<string>,
  ) {}

  async handle(job: QueueJob, context: JobContext): Promise<void> {
    const record = readJobRecord(job.record);
    if (!record) throw new DropJobError(`Job ${job.id} is not an outgoing webhook`);
    const { event, endpointId } = record;
    const endpoint = await this.repository.get(event.guildId, endpointId);
    if (!endpoint || !endpoint.enabled) {
      this.attempts.inc({ outcome: 'skipped' });
      return;
    }
    const body = webhookBody(event);
    const timestamp = Math.floor(Date.now() / 1000);
    const stop = this.seconds.startTimer();
    const result = await this.sender.send(
      endpoint.url,
      {
        'content-type': 'application/json',
        'user-agent': 'kaltura-discord-webhooks/1',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(endpoint.secret, event.id, timestamp, body),
      },
      body,
    );
    stop();
    const outcome = classify(result);
    this.attempts.inc({ outcome });
    if (outcome === 'delivered') {
      if (endpoint.consecutiveFailures > 0)
        await this.repository.recordSuccess(endpoint.guildId, endpoint.id);
      return;
    }
    const why = describe(result);
    const failures = await this.repository.recordFailure(endpoint.guildId, endpoint.id);
    if (failures !== null && failures >= this.options.disableAfterFailures) {
      await this.disable(endpoint, failures, why);
      throw new DropJobError(`endpoint ${endpoint.id} disabled`);
    }
    const fields = {
      endpointId: endpoint.id,
      guildId: endpoint.guildId,
      eventId: event.id,
      attempt: context.attempt,
    };
    if (!RETRYABLE.has(outcome)) {
      this.log.warn({ ...fields, why }, 'Outgoing webhook refused; not retried');
      throw new DropJobError(why);
    }
    if (context.attempt >= this.options.retry.maxAttempts) {
      this.attempts.inc({ outcome: 'dead' });
      this.log.warn({ ...fields, why }, 'Outgoing webhook failed on its last attempt');
      throw new DropJobError(why);
    }
    const delayMs =
      result.retryAfterMs !== null
        ? Math.min(Math.max(result.retryAfterMs, 1), this.options.maxRetryAfterMs)
        : 0;
    throw new RetryJobError(why, delayMs);
  }

  private async disable(endpoint: WebhookEndpoint, failures: number, why: string): Promise<void> {
    const reason = `${failures} failed requests in a row (last: ${why})`;
    const updated = await this.repository.update(endpoint.guildId, endpoint.id, {
      enabled: false,
      disabledReason: reason,
    });
    if (!updated) return;
    this.disabled.inc();
    this.log.warn(
      { endpointId: endpoint.id, guildId: endpoint.guildId, reason },
      'Outgoing webhook endpoint disabled',
    );
    const host = new URL(endpoint.url).host;
    await this.notices.tellAdmins(
      endpoint.guildId,
      // Once per disabling: an admin's change (re-enabling it) changes `updatedAt`, so a later disabling tells again.
      `webhooks-out-disabled:${endpoint.id}:${endpoint.updatedAt.getTime()}`,
      `⚠️ An outgoing webhook of this server was disabled: ${failures} requests in a row to \`${host}\` failed ` +
        `(last: ${why.slice(0, 200)}). Endpoint \`${endpoint.id}\`: fix the receiver, then enable it again ` +
        '(`PATCH /api/v1/guilds/:guildId/webhooks/:id` with `{"enabled": true}`).',
      NOTICE_CLAIM_MS,
    );
  }
}
