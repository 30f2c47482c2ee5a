import { Counter, Histogram } from 'prom-client';
import type { GuildConfig, GuildConfigService } from '../../../src/modules/config';
import type {
  DiscordChannelInfo,
  OutgoingMessage,
} from '../../../src/modules/notification/discord-rest/discord-messages';
import { DiscordMessages } from '../../../src/modules/notification/discord-rest/discord-messages';
import { NotificationMetrics } from '../../../src/modules/notification/notification.metrics';
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NotificationOptions,
} from '../../../src/modules/notification/notification.options';

/** Metrics on private registries: specs can read them without touching the global one. */
export function testMetrics(): NotificationMetrics & { attemptsOf(outcome: string): Promise<number> } {
  const attempts = new Counter({ name: 'a', help: 'a', labelNames: ['outcome'], registers: [] });
  const metrics = new NotificationMetrics(
    new Counter({ name: 'w', help: 'w', labelNames: ['type', 'outcome'], registers: [] }),
    new Counter({ name: 'n', help: 'n', labelNames: ['type', 'outcome'], registers: [] }),
    new Histogram({ name: 'd', help: 'd', labelNames: ['type'], registers: [] }),
    attempts,
  );
  return Object.assign(metrics, {
    async attemptsOf(outcome: string) {
      const values = (await attempts.get()).values;
      return values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    },
  });
}

export const fastOptions = (overrides: Partial<NotificationOptions> = {}): NotificationOptions => ({
  ...DEFAULT_NOTIFICATION_OPTIONS,
  retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, jitter: 0 },
  recoveryIntervalMs: 0,
  ...overrides,
});

type PostOutcome = { id: string } | Error;

/**
 * A scripted Discord: each `postMessage` takes the next planned outcome; an unplanned call fails the test.
 */
export class ScriptedDiscord extends DiscordMessages {
  readonly posts: Array<{ channelId: string; message: OutgoingMessage }> = [];
  channelLists = 0;
  /** What `systemChannelId` answers (the guild's system channel), and how often it was asked. */
  systemChannel: string | null = null;
  systemChannelLookups = 0;
  private readonly outcomes: PostOutcome[] = [];

  constructor(
    public available = true,
    private readonly channels: DiscordChannelInfo[] = [],
  ) {
    super();
  }

  plan(...outcomes: PostOutcome[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  async postMessage(channelId: string, message: OutgoingMessage): Promise<{ id: string }> {
    this.posts.push({ channelId, message });
    const next = this.outcomes.shift();
    if (!next) throw new Error(`ScriptedDiscord: unplanned post to ${channelId}`);
    if (next instanceof Error) throw next;
    return next;
  }

  async guildChannels(): Promise<DiscordChannelInfo[]> {
    this.channelLists++;
    return this.channels;
  }

  async systemChannelId(): Promise<string | null> {
    this.systemChannelLookups++;
    return this.systemChannel;
  }

  close(): void {}
}

/** A config service returning `config` (deep-merged notification overrides on the shipped defaults). */
export function configWith(notifications: Partial<GuildConfig['notifications']> = {}): GuildConfigService {
  const base: GuildConfig['notifications'] = {
    enabled: true,
    types: {
      meeting_start: true,
      meeting_end: true,
      user_join: true,
      recording_ready: true,
      meeting_share: true,
      attendance: true,
    },
    templates: {
      meeting_start: '📅 **{{meeting.title}}** ({{meeting.type}}) was started by {{host.name}}.',
      meeting_end: '✅ **{{meeting.title}}** ended after {{meeting.duration}}.',
      user_join: '👋 {{user.name}} joined **{{meeting.title}}**.',
      recording_ready: '🎬 The recording of **{{meeting.title}}** is ready: {{recording.url}}',
      meeting_share: '🔗 {{user.name}} shared **{{meeting.title}}**.',
      attendance: '👥 {{attendance.members}} joined **{{meeting.title}}**: {{attendance.names}}',
    },
    channels: { default: null },
    allowMentions: false,
  };
  const config = { notifications: { ...base, ...notifications } } as GuildConfig;
  return { get: async () => structuredClone(config) } as unknown as GuildConfigService;
}
