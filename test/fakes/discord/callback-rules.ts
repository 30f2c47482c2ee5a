/**
 * Which interaction callback types Discord accepts for which interaction, and the Components V2 message rules.
 * Sources (discord/discord-api-docs): `interactions/receiving-and-responding.mdx` ("Interaction Callback Type"
 * table and its footnotes; "Interaction Callback Data Structure" footnote on DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE)
 * and `components/reference.mdx` (IS_COMPONENTS_V2). Error codes and messages Discord answers for these cases are
 * not documented: the fake answers 400 / 50035 Invalid Form Body with a descriptive entry (unconfirmed wording).
 */
import { InteractionResponseType, InteractionType, MessageFlags } from 'discord-api-types/v10';
import type { DiscordErrorBody } from './validation';

type Obj = Record<string, unknown>;

const formError = (path: string[], code: string, message: string): DiscordErrorBody => {
  const errors: Obj = {};
  let node = errors;
  for (const key of path) node = (node[key] = {}) as Obj;
  node._errors = [{ code, message }];
  return { code: 50035, message: 'Invalid Form Body', errors };
};

/** Where an interaction came from, as far as the callback rules care. */
export interface CallbackSubject {
  type: InteractionType;
  /** Modal submits only: the modal was opened from a message component (so it has a message to update). */
  fromComponent?: boolean;
}

/**
 * Callback types allowed per interaction type. PONG answers PING only; 4/5 answer commands, components and modal
 * submits; 6/7 "Only valid for component-based interactions" (a modal submit counts when the modal came from a
 * component); 8 answers autocomplete only; MODAL is "Not available for MODAL_SUBMIT and PING interactions" (nor for
 * autocomplete, whose only answer is 8); PREMIUM_REQUIRED (10) is deprecated and LAUNCH_ACTIVITY (12) needs
 * Activities, which the fake application does not have.
 */
function allowed(subject: CallbackSubject): number[] {
  const R = InteractionResponseType;
  switch (subject.type) {
    case InteractionType.Ping:
      return [R.Pong];
    case InteractionType.ApplicationCommand:
      return [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal];
    case InteractionType.MessageComponent:
      return [
        R.ChannelMessageWithSource,
        R.DeferredChannelMessageWithSource,
        R.DeferredMessageUpdate,
        R.UpdateMessage,
        R.Modal,
      ];
    case InteractionType.ApplicationCommandAutocomplete:
      return [R.ApplicationCommandAutocompleteResult];
    case InteractionType.ModalSubmit:
      return subject.fromComponent
        ? [
            R.ChannelMessageWithSource,
            R.DeferredChannelMessageWithSource,
            R.DeferredMessageUpdate,
            R.UpdateMessage,
          ]
        : [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource];
    default:
      return [];
  }
}

/** 400 / 50035 when this callback type does not answer this interaction, or its flags are not allowed. */
export function checkCallback(subject: CallbackSubject, type: number, data: Obj): DiscordErrorBody | null {
  if (!allowed(subject).includes(type)) {
    return formError(
      ['type'],
      'INTERACTION_RESPONSE_TYPE_INVALID',
      `Interaction response type ${type} is not supported for interaction type ${subject.type}`,
    );
  }
  const flags = typeof data.flags === 'number' ? data.flags : 0;
  // "the only valid message flag you may use is EPHEMERAL" on a type-5 defer; V2 goes on the edit instead.
  if (
    type === InteractionResponseType.DeferredChannelMessageWithSource &&
    (flags & ~MessageFlags.Ephemeral) !== 0
  ) {
    return formError(
      ['data', 'flags'],
      'INTERACTION_RESPONSE_FLAGS_INVALID',
      'Only EPHEMERAL may be set on a deferred response',
    );
  }
  return null;
}

const isV2 = (flags: unknown): boolean =>
  typeof flags === 'number' && (flags & MessageFlags.IsComponentsV2) !== 0;
const nonEmpty = (value: unknown): boolean =>
  (typeof value === 'string' && value.length > 0) || (Array.isArray(value) && value.length > 0);

/** Counts every component, nested ones included (children and section accessories). */
function countComponents(nodes: unknown): number {
  if (!Array.isArray(nodes)) return 0;
  return nodes.reduce<number>((sum, node) => {
    if (!node || typeof node !== 'object') return sum;
    const record = node as Obj;
    return sum + 1 + countComponents(record.components) + (record.accessory ? 1 : 0);
  }, 0);
}

/**
 * Components V2 (`components/reference.mdx`): with IS_COMPONENTS_V2 (1 << 15) a message cannot carry `content`,
 * `embeds`, `poll` or `sticker_ids`, and holds up to 40 components in total; without it, only action rows may sit
 * at the top level. "Once a message has been sent with this flag, it can't be removed from that message": an edit
 * that sends `flags` without it is refused. `storedFlags` is the edited message's current flags (undefined on
 * create).
 */
export function checkComponentsV2(body: Obj, storedFlags?: number): DiscordErrorBody | null {
  const wasV2 = isV2(storedFlags);
  const v2 = isV2(body.flags) || wasV2;
  if (wasV2 && typeof body.flags === 'number' && !isV2(body.flags)) {
    return formError(
      ['flags'],
      'MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG',
      'The IS_COMPONENTS_V2 flag cannot be removed',
    );
  }
  if (v2) {
    for (const field of ['content', 'embeds', 'poll', 'sticker_ids']) {
      if (nonEmpty(body[field]) || (field === 'poll' && body.poll))
        return formError(
          [field],
          'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
          `${field} cannot be used with IS_COMPONENTS_V2`,
        );
    }
    if (countComponents(body.components) > 40)
      return formError(['components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 40 or fewer in length.');
    return null;
  }
  if (Array.isArray(body.components)) {
    const index = body.components.findIndex((c) => !c || typeof c !== 'object' || (c as Obj).type !== 1);
    if (index !== -1) {
      return formError(
        ['components', String(index)],
        'UNION_TYPE_CHOICES',
        'Only action rows may be top-level components without the IS_COMPONENTS_V2 flag',
      );
    }
  }
  return null;
}
