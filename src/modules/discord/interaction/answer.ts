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
/**
 * An interaction that reaches its handler this long after Discord created it is deferred before any work: the
 * process is behind (a crowd, a stalled event loop) and the cheap acknowledgement must go out while it still can.
 * A clock ahead of Discord's by this much only makes every answer a deferral, as it was before answers were sent
 * in the callback.
 */
export const BEHIND_AFTER_CREATION_MS = 1_000;

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
 * gateway nor a skewed clock can push the acknowledgement past Discord's deadline. An interaction already 1 s old
 * on arrival is deferred at once: under a crowd the event loop is behind, and a timer set now would fire late.
 */
export async function answerEphemeral(
  interaction: RepliableInteraction,
  work: () => Promise<EphemeralReply>,
  budgetMs = ANSWER_BUDGET_MS,
): Promise<'replied' | 'deferred'> {
  const now = Date.now();
  if (now - interaction.createdTimestamp >= BEHIND_AFTER_CREATION_MS) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply(await work());
    return 'deferred';
  }
  const deadline = Math.min(now + budgetMs, interaction.createdTimestamp + LATEST_AFTER_CREATION_MS);
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
