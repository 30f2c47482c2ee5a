import { Logger } from '@nestjs/common';
import { REST, Routes } from 'discord.js';
import type { NotificationAttachment } from '../domain/attendance';

/** A guild channel as the notification module needs it. */
export interface DiscordChannelInfo {
  id: string;
  name: string;
  type: number;
}

/** A message to post: rendered content, whether it may ping, and the notification id as Discord `nonce`. */
export interface OutgoingMessage {
  content: string;
  allowMentions: boolean;
  nonce: string;
  /** Uploaded as `files[0]`, described in the body's `attachments` (Discord "Uploading Files"). */
  attachment?: NotificationAttachment;
}

/** The Discord REST calls the notification module makes (a port, so tests and tools can replace it). */
export abstract class DiscordMessages {
  /** False when no bot token is configured: nothing can be posted. */
  abstract readonly available: boolean;
  /** Posts to a channel; resolves with the new message's id. Throws @discordjs/rest errors. */
  abstract postMessage(channelId: string, message: OutgoingMessage): Promise<{ id: string }>;
  abstract guildChannels(guildId: string): Promise<DiscordChannelInfo[]>;
  /** The guild's `system_channel_id` (where Discord posts its own notices), or null when it has none. */
  abstract systemChannelId(guildId: string): Promise<string | null>;
  abstract close(): void;
}

/**
 * The message body. `allowed_mentions: { parse: [] }` unless the guild allows mentions: nothing in a template or
 * in user text can then ping anyone. `enforce_nonce` makes Discord return the earlier message instead of posting
 * a second one when a retry follows an attempt whose answer was lost.
 */
export function messageBody(message: OutgoingMessage): Record<string, unknown> {
  return {
    content: message.content,
    allowed_mentions: message.allowMentions ? { parse: ['users', 'roles', 'everyone'] } : { parse: [] },
    nonce: message.nonce,
    enforce_nonce: true,
    // The id ties the entry to the `files[0]` part (a snowflake-typed string in discord-api-spec).
    ...(message.attachment ? { attachments: [{ id: '0', filename: message.attachment.filename }] } : {}),
  };
}

export interface RestDiscordOptions {
  apiUrl: string;
  token: string | undefined;
  requestTimeoutMs: number;
  /** Rate-limit waits longer than this are not slept inside the request: the job goes back to the queue. */
  rateLimitWaitMaxMs: number;
  /** Called with the REST client once made (the invalid-request counter listens to its responses). */
  watch?: (rest: REST) => void;
}

/**
 * discord.js's `REST` (per-route buckets, global limit, 429 handling). Its own retries are off: the delivery
 * queue retries with backoff, which also covers network errors @discordjs/rest does not retry in every runtime.
 */
export class RestDiscordMessages extends DiscordMessages {
  private readonly log = new Logger('notification-discord');
  private readonly rest: REST | null;

  constructor(options: RestDiscordOptions) {
    super();
    if (!options.token) {
      this.rest = null;
      return;
    }
    this.rest = new REST({
      api: options.apiUrl,
      version: '10',
      retries: 0,
      timeout: options.requestTimeoutMs,
      rejectOnRateLimit: (data) => data.retryAfter > options.rateLimitWaitMaxMs,
    }).setToken(options.token);
    options.watch?.(this.rest);
    this.rest.on('rateLimited', (info) =>
      this.log.debug(
        { route: info.route, retryAfterMs: info.retryAfter, global: info.global },
        'Rate limited',
      ),
    );
  }

  get available(): boolean {
    return this.rest !== null;
  }

  async postMessage(channelId: string, message: OutgoingMessage): Promise<{ id: string }> {
    // With a file, @discordjs/rest sends multipart/form-data: the file as `files[0]`, the body as `payload_json`.
    const files = message.attachment
      ? [
          {
            name: message.attachment.filename,
            data: Buffer.from(message.attachment.content, 'utf8'),
            contentType: 'text/csv; charset=utf-8',
          },
        ]
      : undefined;
    const posted = (await this.client().post(Routes.channelMessages(channelId), {
      body: messageBody(message),
      ...(files ? { files } : {}),
    })) as { id?: unknown };
    if (typeof posted?.id !== 'string') throw new Error('Discord answered without a message id');
    return { id: posted.id };
  }

  async guildChannels(guildId: string): Promise<DiscordChannelInfo[]> {
    const list = (await this.client().get(Routes.guildChannels(guildId))) as unknown;
    if (!Array.isArray(list)) return [];
    return list.flatMap((c: { id?: unknown; name?: unknown; type?: unknown }) =>
      typeof c?.id === 'string' && typeof c.name === 'string' && typeof c.type === 'number'
        ? [{ id: c.id, name: c.name, type: c.type }]
        : [],
    );
  }

  async systemChannelId(guildId: string): Promise<string | null> {
    const guild = (await this.client().get(Routes.guild(guildId))) as { system_channel_id?: unknown } | null;
    return typeof guild?.system_channel_id === 'string' ? guild.system_channel_id : null;
  }

  close(): void {
    this.rest?.clearHashSweeper();
    this.rest?.clearHandlerSweeper();
  }

  private client(): REST {
    if (!this.rest) throw new Error('DISCORD_TOKEN is not set');
    return this.rest;
  }
}
