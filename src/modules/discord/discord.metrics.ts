import { Injectable, Provider } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import { Client, Status } from 'discord.js';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Settings } from '../../platform/settings';

/** Metric names (labels bounded: command names and button kinds, never ids). */
export const DISCORD_METRICS = {
  interactions: 'kd_commands_total',
  ack: 'kd_interaction_ack_seconds',
  rateLimits: 'kd_discord_rate_limits_total',
  shardUp: 'kd_discord_shard_up',
  shardCount: 'kd_discord_shard_count',
} as const;

/** What the shard gauges read from discord.js's client (a narrow view, so it can be tested without a gateway). */
export interface ShardView {
  options: { shards?: number | readonly number[] | 'auto'; shardCount?: number };
  ws: { shards: ReadonlyMap<number, { status: Status }> };
}

/**
 * The shards this replica is meant to run and whether each is connected (READY). The ids come from
 * `DISCORD_SHARD_IDS`, else from discord.js once it knows them (after the first login it replaces `auto` with the
 * ids), else every shard of `shardCount`: a replica that never connected reports its shards as down rather than
 * nothing.
 */
export function shardStates(client: ShardView, configured: number[] | undefined): Map<number, boolean> {
  const { shards, shardCount } = client.options;
  const ids =
    configured ??
    (Array.isArray(shards)
      ? [...(shards as number[])]
      : typeof shards === 'number'
        ? [shards]
        : client.ws.shards.size > 0
          ? [...client.ws.shards.keys()]
          : Array.from({ length: shardCount ?? 1 }, (_, i) => i));
  return new Map(ids.map((id) => [id, client.ws.shards.get(id)?.status === Status.Ready]));
}

const DISCORD_EPOCH = 1420070400000n;

export type InteractionKind = 'command' | 'button' | 'autocomplete';
/** `expired`: too old to acknowledge when its handler was reached, or Discord answered 10062; nothing sent. */
export type InteractionOutcome = 'ok' | 'refused' | 'failed' | 'bug' | 'expired';

export function discordMetricProviders(): Provider[] {
  return [
    makeCounterProvider({
      name: DISCORD_METRICS.interactions,
      help: 'Discord interactions handled: kind (command, button, autocomplete), command or button, outcome.',
      labelNames: ['kind', 'command', 'outcome'],
    }),
    makeHistogramProvider({
      name: DISCORD_METRICS.ack,
      help: 'Time from an interaction being created to its acknowledgement reaching Discord (limit: 3 s).',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    }),
    makeGaugeProvider({
      name: DISCORD_METRICS.shardUp,
      help: 'Gateway shards this replica runs: 1 connected (READY), 0 not. Summed over replicas per shard, against kd_discord_shard_count: shards no replica covers.',
      labelNames: ['shard'],
      inject: [Client, Settings],
      collect(this: Gauge<string>, client: Client, settings: Settings) {
        this.reset();
        for (const [id, up] of shardStates(client, settings.discord.shardIds)) {
          this.set({ shard: String(id) }, up ? 1 : 0);
        }
      },
    }),
    makeGaugeProvider({
      name: DISCORD_METRICS.shardCount,
      help: 'Total gateway shards of the bot (DISCORD_SHARD_COUNT, or the count discord.js uses once connected).',
      inject: [Client, Settings],
      collect(this: Gauge<string>, client: Client, settings: Settings) {
        this.set(settings.discord.shardCount ?? client.options.shardCount ?? 1);
      },
    }),
    makeCounterProvider({
      name: DISCORD_METRICS.rateLimits,
      help: 'Discord REST rate limits hit (requests queued until the limit reset), by scope.',
      labelNames: ['scope'],
    }),
  ];
}

/** Counts interactions and rate limits. */
@Injectable()
export class DiscordMetrics {
  constructor(
    @InjectMetric(DISCORD_METRICS.interactions) private readonly interactions: Counter<string>,
    @InjectMetric(DISCORD_METRICS.rateLimits) private readonly rateLimits: Counter<string>,
    @InjectMetric(DISCORD_METRICS.ack) private readonly ack: Histogram<string>,
  ) {}

  interaction(kind: InteractionKind, name: string, outcome: InteractionOutcome): void {
    this.interactions.inc({ kind, command: name, outcome });
  }

  /**
   * Called for every interaction callback Discord answered: the interaction id is a snowflake, so its creation
   * time is known without any per-handler bookkeeping. Deferred replies, updates and autocomplete answers alike.
   */
  acknowledged(interactionId: string, callbackType: number, at = Date.now()): void {
    const created = Number((BigInt(interactionId) >> 22n) + DISCORD_EPOCH);
    const kind =
      callbackType === 8 ? 'autocomplete' : callbackType === 6 || callbackType === 7 ? 'button' : 'command';
    this.ack.observe({ kind }, Math.max(0, at - created) / 1000);
  }

  rateLimited(scope: 'global' | 'route'): void {
    this.rateLimits.inc({ scope });
  }
}

/** Metric label of an interaction: the command name, or the button's custom id without its meeting id. */
export function interactionLabel(interaction: {
  isButton(): boolean;
  isAutocomplete(): boolean;
  customId?: string;
  commandName?: string;
}): { kind: InteractionKind; name: string } {
  if (interaction.isButton()) {
    return {
      kind: 'button',
      name: (interaction.customId ?? '').split('/').slice(0, 2).join('/') || 'unknown',
    };
  }
  return {
    kind: interaction.isAutocomplete() ? 'autocomplete' : 'command',
    name: interaction.commandName ?? 'unknown',
  };
}
