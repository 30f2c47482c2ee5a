import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Client, RESTEvents, type APIRequest, type RateLimitData } from 'discord.js';
import { Context, On, Once, type ContextOf } from 'necord';
import { DependencyDownError, HealthRegistry } from '../../../platform/health';
import { DiscordInvalidRequests } from '../../../platform/metrics';
import { DiscordConnection } from '../discord-connection';
import { DiscordMetrics } from '../discord.metrics';

const INTERACTION_CALLBACK = /^\/interactions\/(\d+)\/[^/]+\/callback/;

/**
 * The gateway's life, in logs, metrics and readiness. The `error` listener is what keeps a failing handler or a
 * socket error from becoming an unhandled `error` event, which would end the process.
 */
@Injectable()
export class ClientEventsListener implements OnModuleInit {
  private readonly log = new Logger('discord');

  constructor(
    private readonly client: Client,
    private readonly health: HealthRegistry,
    private readonly metrics: DiscordMetrics,
    private readonly invalidRequests: DiscordInvalidRequests,
    private readonly connection: DiscordConnection,
  ) {}

  onModuleInit(): void {
    // 401/403/429 count toward Discord's ban threshold (10,000 per 10 min per IP): measured, alerted on.
    this.invalidRequests.watch(this.client.rest);
    // One place measures every acknowledgement: the callback route names the interaction, whose id dates it.
    this.client.rest.on(RESTEvents.Response, (request: APIRequest, response: { status: number }) => {
      const match = INTERACTION_CALLBACK.exec(request.path);
      if (!match || response.status >= 300) return;
      const type = (request.data.body as { type?: number } | undefined)?.type ?? 0;
      this.metrics.acknowledged(match[1], type);
    });
    // Reported, not required: a pod without the gateway still takes webhooks and serves the REST API.
    this.health.register({
      name: 'discord',
      dependency: 'discord',
      required: false,
      check: async () => {
        const details = this.connection.details();
        if (!this.client.isReady())
          throw new DependencyDownError('Discord gateway is not connected', details);
        return { ...details, ping: this.client.ws.ping, guilds: this.client.guilds.cache.size };
      },
    });
    // @discordjs/rest waits these out by itself; they are logged so a misbehaving loop shows up.
    this.client.rest.on(RESTEvents.RateLimited, (info: RateLimitData) => {
      this.metrics.rateLimited(info.global ? 'global' : 'route');
      this.log.warn(
        {
          route: info.route,
          method: info.method,
          retryAfterMs: info.retryAfter,
          global: info.global,
          scope: info.scope,
        },
        'Discord rate limit hit; waiting it out',
      );
    });
  }

  @Once('clientReady')
  onReady(@Context() [client]: ContextOf<'clientReady'>): void {
    this.log.log(
      { bot: client.user.tag, guilds: client.guilds.cache.size, shards: client.ws.shards.map((s) => s.id) },
      'Discord gateway ready',
    );
  }

  @On('error')
  onError(@Context() [error]: ContextOf<'error'>): void {
    this.log.error({ err: error }, 'Discord client error');
  }

  @On('warn')
  onWarn(@Context() [message]: ContextOf<'warn'>): void {
    this.log.warn(message);
  }

  @On('shardDisconnect')
  onDisconnect(@Context() [event, shardId]: ContextOf<'shardDisconnect'>): void {
    this.log.warn({ shardId, code: event.code }, 'Discord gateway shard disconnected');
  }

  @On('shardReconnecting')
  onReconnecting(@Context() [shardId]: ContextOf<'shardReconnecting'>): void {
    this.log.log({ shardId }, 'Discord gateway shard reconnecting');
  }

  @On('shardResume')
  onResume(@Context() [shardId, replayed]: ContextOf<'shardResume'>): void {
    this.log.log({ shardId, replayed }, 'Discord gateway shard resumed');
  }
}
