import {
  MessageFlags,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type RepliableInteraction,
} from 'discord.js';

/** How long an answer may take before the interaction is deferred instead (Discord allows 3 s in all). */
export const ANSWER_BUDGET_MS = 1_500;
/** Never later than this after Discord created the interaction, whatever our clock says about the receipt. */
const LATEST_AFTER_CREATION_MS = 2_000;

type EphemeralReply = Omit<InteractionReplyOptions, 'flags' | 'withResponse' | 'fetchReply'> &
  InteractionEditReplyOptions;

/**
 * Answers an interaction with one ephemeral message. When `work` is ready within the budget (the usual case: a
 * join link is a cached member check, one Kaltura call and a local KS), it is the callback itself: one request,
 * no "thinking…" flash. When it is not, the interaction is deferred at the deadline, well within Discord's 3 s,
 * and the reply is edited in when the work is done. An error from `work` propagates either way: the Discord
 * exception filter answers it (a reply before the deferral, an edit after).
 *
 * The deadline is the earlier of receipt + `budgetMs` and creation (from the snowflake) + 2 s, so neither a slow
 * gateway nor a skewed clock can push the acknowledgement past Discord's deadline.
 */
export async function answerEphemeral(
  interaction: RepliableInteraction,
  work: () => Promise<EphemeralReply>,
  budgetMs = ANSWER_BUDGET_MS,
): Promise<'replied' | 'deferred'> {
  const deadline = Math.min(Date.now() + budgetMs, interaction.createdTimestamp + LATEST_AFTER_CREATION_MS);
  const pending = work();
  // Observed below on both paths; this only keeps a rejection after a failed deferral from going unhandled.
  pending.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()));
  });
  const ready = await Promise.race([pending.then((reply) => ({ reply })), late]).finally(() =>
    clearTimeout(timer),
  );
  if (ready) {
    await interaction.reply({ ...ready.reply, flags: MessageFlags.Ephemeral });
    return 'replied';
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await interaction.editReply(await pending);
  return 'deferred';
}
