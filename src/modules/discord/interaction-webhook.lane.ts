import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client, REST, RESTEvents, type InternalRequest, type RESTOptions } from 'discord.js';
import { Agent } from 'undici';
import { Settings } from '../../platform/settings';
import { DISCORD_REST_CONNECTIONS } from './discord-client.options';

/**
 * The lane's own ceiling. Discord sets none for interaction endpoints (it answers 429 if it ever must, and a
 * global 429 still stops the lane); this only keeps a runaway loop from flooding it. High enough that a real
 * crowd never meets it: at 1,000/s the edits of a 10,000-member burst waited on it, and every wait was reported
 * (log line and `kd_discord_rate_limits_total`) as if Discord had limited the bot.
 */
export const INTERACTION_LANE_REQUESTS_PER_SECOND = 10_000;

type QueueRequest = REST['queueRequest'];

/**
 * Discord exempts its interaction endpoints (the callback, and the interaction webhook that edits the
 * deferred reply and sends followups) from the bot's global limit of 50 requests/s. @discordjs/rest exempts only
 * the callback: every `editReply` and `followUp` waits for the shared global budget, so a crowd of 1,000 joins
 * gets its links at 50/s, the last after 20 s, and any other bot call waits behind them.
 *
 * This gives requests to `/webhooks/{applicationId}/…` sent without bot authorization (the interaction
 * webhook; discord.js sends it with `auth: false`) a REST manager of their own, with the same options but its
 * own global budget and its own connections. Per-route buckets (one per interaction token) and 429 handling are @discordjs/rest's, as
 * before; its rate-limit and response events are re-emitted on the client's manager, so metrics and logs see them.
 * Returns the function that puts the client back as it was.
 */
export function installInteractionWebhookLane(
  client: Client,
  fallbackApplicationId?: string,
): { lane: REST; uninstall: () => void } {
  const rest = client.rest;
  const agent = new Agent({ connections: DISCORD_REST_CONNECTIONS, connect: { timeout: 30_000 } });
  const options: Partial<RESTOptions> = {
    ...client.options.rest,
    globalRequestsPerSecond: INTERACTION_LANE_REQUESTS_PER_SECOND,
    // Connections of its own: under a crowd the edits must not queue in front of the acknowledgements.
    agent: agent as unknown as RESTOptions['agent'],
  };
  const lane = new REST(options);
  const forwarded = [RESTEvents.RateLimited, RESTEvents.Response, RESTEvents.Debug] as const;
  for (const event of forwarded) {
    lane.on(event, (...args: unknown[]) =>
      (rest.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
    );
  }
  const hadOwn = Object.prototype.hasOwnProperty.call(rest, 'queueRequest');
  const previous = rest.queueRequest;
  const own: QueueRequest = previous.bind(rest);
  const routed: QueueRequest = (request) => {
    const applicationId = client.application?.id ?? fallbackApplicationId;
    return applicationId && isInteractionWebhook(request, applicationId)
      ? lane.queueRequest(request)
      : own(request);
  };
  rest.queueRequest = routed;
  return {
    lane,
    uninstall: () => {
      if (rest.queueRequest === routed) {
        if (hadOwn) rest.queueRequest = previous;
        else delete (rest as Partial<Pick<REST, 'queueRequest'>>).queueRequest;
      }
      lane.clearHashSweeper();
      lane.clearHandlerSweeper();
      lane.removeAllListeners();
      void agent.close().catch(() => undefined);
    },
  };
}

/** `/webhooks/{applicationId}/{token}[/…]` without bot auth: an interaction's webhook, never a channel webhook. */
export function isInteractionWebhook(
  request: Pick<InternalRequest, 'fullRoute' | 'auth'>,
  applicationId: string,
): boolean {
  return request.auth === false && request.fullRoute.startsWith(`/webhooks/${applicationId}/`);
}

/** Installs the lane on necord's client for the life of the module. */
@Injectable()
export class InteractionWebhookLane implements OnModuleInit, OnModuleDestroy {
  private installed?: { uninstall: () => void };

  constructor(
    private readonly client: Client,
    private readonly settings: Settings,
  ) {}

  onModuleInit(): void {
    this.installed = installInteractionWebhookLane(this.client, this.settings.discord.clientId);
  }

  onModuleDestroy(): void {
    this.installed?.uninstall();
  }
}
