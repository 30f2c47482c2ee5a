import { DomainError, UnavailableError } from '../../platform/errors';
import { refusalMessage, type ChannelRefusal } from './domain/channel-rules';

/** The verdict on one channel reference. */
export type ChannelVerdict =
  | {
      ok: true;
      channelId: string;
      /** False when nothing could be verified (no Discord configured): the id was only checked for its form. */
      verified: boolean;
    }
  | { ok: false; channelId: string | null; reason: ChannelRefusal; message: string };

/** Error codes of the channels module. */
export const CHANNEL_ERROR_CODES = {
  /** 400: the channel is not a usable channel of this guild (names it and says why). */
  notUsable: 'CHANNEL_NOT_USABLE',
  /** 503: Discord could not be asked; nothing was changed. */
  unavailable: 'CHANNEL_CHECK_UNAVAILABLE',
} as const;

/** A channel a user gave cannot be posted to: 400, naming the channel and the field. */
export class ChannelNotUsableError extends DomainError {
  constructor(
    readonly field: string,
    readonly channel: string,
    readonly reason: ChannelRefusal,
  ) {
    const message = refusalMessage(channel, reason);
    super(CHANNEL_ERROR_CODES.notUsable, `${message} Nothing was changed.`, 400, {
      channel,
      reason,
      errors: [{ field, message }],
    });
  }
}

/** Discord did not answer the check: refused (fail closed), retry later. */
export class ChannelCheckUnavailableError extends UnavailableError {
  constructor() {
    super(
      CHANNEL_ERROR_CODES.unavailable,
      'The channel could not be checked with Discord right now; nothing was changed. Try again shortly.',
    );
  }
}

/**
 * Whether the service may post in a channel of a guild: a text channel, announcement channel or thread of that
 * guild where the bot can view and send. A port: meetings, config and notification use it without knowing
 * Discord; the Discord adapter answers from the gateway cache when the guild is there, else Discord REST.
 */
export abstract class ChannelAccess {
  /** True when verdicts are real (a bot token is configured). */
  abstract readonly verifies: boolean;

  /**
   * Judges `ref` (a channel id, `<#id>`, or a channel name of the guild). Throws `ChannelCheckUnavailableError`
   * when Discord cannot be asked.
   */
  abstract check(guildId: string, ref: string): Promise<ChannelVerdict>;

  /** Forgets what is cached about a channel (after Discord refused a post there, or it was deleted). */
  abstract forget(channelId: string): void;

  /** `check`, throwing `ChannelNotUsableError` (naming `field`) unless the channel is usable; returns its id. */
  async assertUsable(guildId: string, ref: string, field: string): Promise<string> {
    const verdict = await this.check(guildId, ref);
    if (!verdict.ok) throw new ChannelNotUsableError(field, ref, verdict.reason);
    return verdict.channelId;
  }
}
