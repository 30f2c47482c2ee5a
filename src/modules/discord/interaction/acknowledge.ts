import { MessageFlags, type InteractionReplyOptions, type RepliableInteraction } from 'discord.js';
import { discordErrorCode } from './error-replies';

/**
 * Discord's "Interaction has already been acknowledged" (opcodes-and-status-codes.mdx). @discordjs/rest retries
 * an interaction callback after a 5xx or a network error; when Discord had carried out the first attempt and only
 * its answer was lost, the retry gets 40060. The acknowledgement is in place, so it is success, not a failure.
 */
export const ALREADY_ACKNOWLEDGED = 40060;

/** Defers ephemerally; a 40060 means the deferral (ours, retried) is already in place. */
export async function deferEphemeral(interaction: RepliableInteraction): Promise<void> {
  try {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  } catch (err) {
    if (discordErrorCode(err) !== ALREADY_ACKNOWLEDGED) throw err;
    // discord.js sets these only on a 2xx; what follows (editReply) needs them.
    interaction.deferred = true;
    interaction.ephemeral = true;
  }
}

/** Replies ephemerally at once; a 40060 means the reply (ours, retried) was already posted. */
export async function replyEphemeral(
  interaction: RepliableInteraction,
  reply: Omit<InteractionReplyOptions, 'flags'>,
): Promise<void> {
  try {
    await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral });
  } catch (err) {
    if (discordErrorCode(err) !== ALREADY_ACKNOWLEDGED) throw err;
    interaction.replied = true;
    interaction.ephemeral = true;
  }
}
