import { bulkhead } from 'cockatiel';
import {
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type RepliableInteraction,
} from 'discord.js';
import { EXPIRED_AFTER_MS, InteractionExpiredError, interactionAge } from './interaction-deadline';
import { deferEphemeral, replyEphemeral } from './acknowledge';

/** How long an answer may take before the interaction is deferred instead (Discord allows 3 s in all). */
export const ANSWER_BUDGET_MS = 1_500;
/** Never later than this after Discord created the interaction, whatever our clock says about the receipt. */
const LATEST_AFTER_CREATION_MS = 2_000;
/**
 * An interaction that reaches its answer this long after Discord created it is deferred before any work: the
 * process is behind (a crowd, a stalled event loop) and the cheap acknowledgement must go out while it still can.
 */
export const BEHIND_AFTER_CREATION_MS = 1_000;
/**
 * Answers being worked on at once; more wait in line, first come first served. Without a limit, a crowd larger
 * than the process can serve in 3 s is worked on all at once, every member's steps interleaved with everyone
 * else's, and all of them finish late: of 10,000 members within a second, 201 were acknowledged in time (Discord
 * refused the rest). With the line, members are served in turn and those still waiting when their interaction
 * expires are dropped without work: about 1,800–2,100 in time (docs/benchmarks.md, finding 12). 100 keeps the
 * CPU busy while Kaltura and Discord answer (32 and 200 did worse).
 */
export const ANSWER_CONCURRENCY = 100;
const admission = bulkhead(ANSWER_CONCURRENCY, Number.POSITIVE_INFINITY);

type EphemeralReply = Omit<InteractionReplyOptions, 'flags' | 'withResponse' | 'fetchReply'> &
  InteractionEditReplyOptions;

/**
 * Answers an interaction with one ephemeral message. When `work` is ready within the budget (the usual case: a
 * join link is a cached member check, one Kaltura call and a local KS), it is the callback itself: one request,
 * no "thinking…" flash. When it is not, the interaction is deferred at the deadline, well within Discord's 3 s,
 * and the reply is edited in when the work is done. An error from `work` propagates either way: the Discord
 * exception filter answers it (a reply before the deferral, an edit after).
 *
 * The deadline is the earlier of receipt + `budgetMs` and creation + 2 s, so a slow gateway cannot push the
 * acknowledgement past Discord's deadline. An interaction already 1 s old is deferred at once: under a crowd the
 * event loop is behind, and a timer set now would fire late. Ages come from `interactionAge` (corrected for
 * clock skew once the deadline guard has seen the interaction).
 *
 * Answers take turns (`ANSWER_CONCURRENCY`) until they are acknowledged; what follows a deferral (the rest of
 * the work, the edit) runs outside the line, so a slow Kaltura does not hold it. One that waited until it
 * expired is dropped with `InteractionExpiredError`.
 */
export async function answerEphemeral(
  interaction: RepliableInteraction,
  work: () => Promise<EphemeralReply>,
  budgetMs = ANSWER_BUDGET_MS,
): Promise<'replied' | 'deferred'> {
  const acknowledged = await admission.execute(() => {
    const age = interactionAge(interaction);
    if (age >= EXPIRED_AFTER_MS) throw new InteractionExpiredError(age);
    return acknowledge(interaction, work, budgetMs, age);
  });
  if (!acknowledged.rest) return 'replied';
  await acknowledged.rest();
  return 'deferred';
}

/** Replies, or defers and hands back the rest (the edit once the work is done). */
async function acknowledge(
  interaction: RepliableInteraction,
  work: () => Promise<EphemeralReply>,
  budgetMs: number,
  age: number,
): Promise<{ rest?: () => Promise<void> }> {
  const now = Date.now();
  const editWhenDone = (pending: Promise<EphemeralReply>) => async () => {
    await interaction.editReply(await pending);
  };
  if (age >= BEHIND_AFTER_CREATION_MS) {
    await deferEphemeral(interaction);
    const pending = Promise.resolve().then(work);
    pending.catch(() => undefined); // observed by `rest`, once the caller has left the line
    return { rest: editWhenDone(pending) };
  }
  const deadline = Math.min(now + budgetMs, now - age + LATEST_AFTER_CREATION_MS);
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
    await replyEphemeral(interaction, ready.reply);
    return {};
  }
  await deferEphemeral(interaction);
  return { rest: editWhenDone(pending) };
}
