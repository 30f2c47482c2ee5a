import { Injectable, Provider } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';

/** Metric names (labels bounded: command names and button kinds, never ids). */
export const DISCORD_METRICS = {
  interactions: 'kd_commands_total',
  ack: 'kd_interaction_ack_seconds',
  rateLimits: 'kd_discord_rate_limits_total',
} as const;

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
