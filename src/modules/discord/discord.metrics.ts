import { Injectable, Provider } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';

/** Metric names (labels bounded: command names and button kinds, never ids). */
export const DISCORD_METRICS = {
  interactions: 'kd_discord_interactions_total',
  rateLimits: 'kd_discord_rate_limits_total',
} as const;

export type InteractionKind = 'command' | 'button' | 'autocomplete';
export type InteractionOutcome = 'ok' | 'refused' | 'failed' | 'bug';

export function discordMetricProviders(): Provider[] {
  return [
    makeCounterProvider({
      name: DISCORD_METRICS.interactions,
      help: 'Discord interactions handled, by kind, command or button, and outcome.',
      labelNames: ['kind', 'name', 'outcome'],
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
  ) {}

  interaction(kind: InteractionKind, name: string, outcome: InteractionOutcome): void {
    this.interactions.inc({ kind, name, outcome });
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
