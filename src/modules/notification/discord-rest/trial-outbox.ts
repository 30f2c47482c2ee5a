import { Logger } from '@nestjs/common';
import { DiscordChannelInfo, DiscordMessages, OutgoingMessage, messageBody } from './discord-messages';

/** A message the trial outbox kept instead of posting: the request Discord would have received. */
export interface TrialMessage {
  id: string;
  channelId: string;
  at: string;
  /** `POST /channels/{channelId}/messages` body, exactly as `RestDiscordMessages` would send it. */
  body: Record<string, unknown>;
}

/** Discord's epoch (2015-01-01), for snowflake-shaped message ids. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * `DiscordMessages` for trial mode (embedded defaults in development, see `Settings.trial`): the delivery
 * pipeline runs for real (storage, queue, channel resolution and check, rendering, nonce), and the last step
 * keeps the message body here and logs its text instead of calling Discord, which there is no token for.
 */
export class TrialOutbox extends DiscordMessages {
  readonly available = true;
  private readonly log = new Logger('trial-outbox');
  private readonly kept: TrialMessage[] = [];
  private sequence = 0n;

  /** @param capacity messages kept; older ones are dropped (a trial runs for minutes, not days). */
  constructor(private readonly capacity = 100) {
    super();
  }

  async postMessage(channelId: string, message: OutgoingMessage): Promise<{ id: string }> {
    // A snowflake-shaped id, as Discord returns; the notification records it like any message id.
    this.sequence = (this.sequence + 1n) % 4096n;
    const id = String(((BigInt(Date.now()) - DISCORD_EPOCH_MS) << 22n) | this.sequence);
    this.kept.push({ id, channelId, at: new Date().toISOString(), body: messageBody(message) });
    if (this.kept.length > this.capacity) this.kept.shift();
    this.log.log({ channelId, messageId: id, content: message.content }, 'Trial: Discord message not posted');
    return { id };
  }

  /** Newest first. */
  messages(): TrialMessage[] {
    return [...this.kept].reverse();
  }

  /** No channel list to ask: the trial names channels by id, and a name fails the delivery as unknown. */
  async guildChannels(): Promise<DiscordChannelInfo[]> {
    return [];
  }

  async systemChannelId(): Promise<string | null> {
    return null;
  }

  close(): void {}
}
