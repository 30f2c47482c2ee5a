import { InteractionResponseType, InteractionType, MessageFlags, MessageType } from 'discord-api-types/v10';
import { errors, type RestResponse } from './http';
import type { MessageInteractionContext } from './message-store';
import type { Route, RouteContext } from './rest-server';
import type { InteractionModel } from './state';
import type { FakeMessageRecord } from './types';
import { checkCallback, checkComponentsV2 } from './callback-rules';
import { validateChoices, validateMessageBody, type DiscordErrorBody } from './validation';

type Body = Record<string, unknown>;
/** Discord's deadline for the first answer to an interaction. */
const ACK_DEADLINE_MS = 3000;
const asBody = (body: unknown): Body =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
const invalid = (body: DiscordErrorBody): RestResponse => ({ status: 400, body });
function messageContext(
  ctx: RouteContext,
  interaction: InteractionModel,
  extra: Partial<MessageInteractionContext> = {},
): MessageInteractionContext {
  return {
    id: interaction.id,
    type: interaction.type,
    user: ctx.state.requireUser(interaction.userId),
    guildId: interaction.guildId,
    name: interaction.name,
    ...(interaction.type === InteractionType.ApplicationCommand
      ? { commandType: interaction.commandType ?? 1 }
      : {}),
    ...(interaction.componentMessageId ? { interactedMessageId: interaction.componentMessageId } : {}),
    ...extra,
  };
}

const messageType = (interaction: InteractionModel): MessageType =>
  interaction.type === InteractionType.ApplicationCommand
    ? MessageType.ChatInputCommand
    : MessageType.Default;

function createResponseMessage(
  ctx: RouteContext,
  interaction: InteractionModel,
  data: Body,
  loading: boolean,
): FakeMessageRecord {
  const ephemeral = ((typeof data.flags === 'number' ? data.flags : 0) & MessageFlags.Ephemeral) !== 0;
  return ctx.state.messages.create(interaction.channelId, data, {
    type: messageType(interaction),
    ephemeral,
    loading,
    files: ctx.files,
    interaction: messageContext(ctx, interaction),
  });
}

/** Applies a callback; returns an error response, or null when accepted. */
function applyCallback(
  ctx: RouteContext,
  interaction: InteractionModel,
  type: number,
  data: Body,
): RestResponse | null {
  const validate = ctx.state.settings.validate;
  const rejected = validate
    ? checkCallback(
        { type: interaction.type, fromComponent: interaction.componentMessageId !== undefined },
        type,
        data,
      )
    : null;
  if (rejected) return invalid(rejected);
  switch (type) {
    case InteractionResponseType.ChannelMessageWithSource: {
      const error = validate
        ? (validateMessageBody(data, true, ctx.files.length) ?? checkComponentsV2(data))
        : null;
      if (error) return invalid(error);
      interaction.originalMessageId = createResponseMessage(ctx, interaction, data, false).message.id;
      return null;
    }
    case InteractionResponseType.DeferredChannelMessageWithSource:
      interaction.originalMessageId = createResponseMessage(ctx, interaction, data, true).message.id;
      return null;
    case InteractionResponseType.DeferredMessageUpdate:
    case InteractionResponseType.UpdateMessage: {
      const target = interaction.componentMessageId
        ? ctx.state.messages.get(interaction.componentMessageId)
        : undefined;
      const error =
        validate && type === InteractionResponseType.UpdateMessage
          ? (validateMessageBody(data, false) ?? checkComponentsV2(data, target?.message.flags))
          : null;
      if (error) return invalid(error);
      if (target && type === InteractionResponseType.UpdateMessage)
        ctx.state.messages.edit(target.message.id, data, ctx.files);
      interaction.originalMessageId = target?.message.id ?? null;
      return null;
    }
    case InteractionResponseType.ApplicationCommandAutocompleteResult: {
      const error = validate ? validateChoices(data.choices) : null;
      if (error) return invalid(error);
      interaction.autocompleteChoices = Array.isArray(data.choices) ? data.choices : [];
      return null;
    }
    default:
      return null;
  }
}

function callback(ctx: RouteContext): RestResponse {
  const interaction = ctx.state.interactions.get(ctx.params.id);
  if (!interaction || interaction.token !== ctx.params.token || interaction.expired)
    return errors.unknownInteraction();
  const now = Date.now();
  // "you must send an initial response within 3 seconds of receiving the event. If the 3 second deadline is
  // exceeded, the token will be invalidated" (receiving-and-responding.mdx, Interaction Callback).
  if (ctx.state.settings.enforceAckDeadline && now - interaction.createdAt > ACK_DEADLINE_MS)
    return errors.unknownInteraction();
  if (interaction.callback) return errors.alreadyAcknowledged();
  const body = asBody(ctx.body);
  const type = typeof body.type === 'number' ? body.type : -1;
  const data = asBody(body.data);
  const error = applyCallback(ctx, interaction, type, data);
  if (error) return error;
  interaction.callback = { type, data: body.data, at: now, elapsedMs: now - interaction.dispatchedAt };
  for (const listener of interaction.callbackListeners.splice(0)) listener(interaction.callback);
  if (ctx.query.with_response !== 'true') return { status: 204 };
  const message = interaction.originalMessageId
    ? ctx.state.messages.get(interaction.originalMessageId)
    : undefined;
  return {
    status: 200,
    body: {
      interaction: {
        id: interaction.id,
        type: interaction.type,
        activity_instance_id: null,
        response_message_id: message?.message.id ?? null,
        response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
        response_message_ephemeral: message?.ephemeral ?? false,
      },
      resource: { type, ...(message ? { message: message.message } : {}) },
    },
  };
}

/**
 * The interaction behind a webhook path, or the error Discord answers. "Interaction tokens are valid for 15
 * minutes" (receiving-and-responding.mdx, Followup Messages); after that the fake answers 401 / 50027 Invalid
 * Webhook Token (the code for a dead interaction token is not documented; 50027 is what discord.js users report,
 * unconfirmed here).
 */
function webhookInteraction(ctx: RouteContext): InteractionModel | RestResponse {
  if (ctx.params.app !== ctx.state.settings.applicationId) return errors.unknownWebhook();
  const interaction = ctx.state.interactionByToken(ctx.params.token);
  if (!interaction) return errors.unknownWebhook();
  const age = Date.now() - interaction.createdAt;
  if (interaction.expired || age > ctx.state.settings.interactionTokenLifetimeMs)
    return errors.invalidWebhookToken();
  return interaction;
}

/** Resolves `@original` or a followup id of this interaction to its message. */
function targetMessage(ctx: RouteContext, interaction: InteractionModel): FakeMessageRecord | undefined {
  const target = ctx.params.message ?? '@original';
  const id = target === '@original' ? interaction.originalMessageId : target;
  if (!id || (id !== interaction.originalMessageId && !interaction.followupIds.includes(id)))
    return undefined;
  return ctx.state.messages.get(id);
}

function webhookMessage(method: 'GET' | 'PATCH' | 'DELETE') {
  return (ctx: RouteContext): RestResponse => {
    const interaction = webhookInteraction(ctx);
    if ('status' in interaction) return interaction;
    const record = targetMessage(ctx, interaction);
    if (!record) return errors.unknownMessage();
    if (method === 'GET') return { status: 200, body: record.message };
    const now = Date.now();
    const edit = {
      method,
      target: ctx.params.message ?? '@original',
      body: ctx.body,
      at: now,
      elapsedMs: now - interaction.dispatchedAt,
    };
    if (method === 'DELETE') {
      ctx.state.messages.delete(record.message.id);
      interaction.edits.push(edit);
      return { status: 204 };
    }
    const body = asBody(ctx.body);
    const error = ctx.state.settings.validate
      ? (validateMessageBody(body, false) ?? checkComponentsV2(body, record.message.flags))
      : null;
    if (error) return invalid(error);
    interaction.edits.push(edit);
    return { status: 200, body: ctx.state.messages.edit(record.message.id, body, ctx.files)?.message };
  };
}

/**
 * "When using this endpoint directly after responding to an interaction with DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
 * this endpoint will function as Edit Original Interaction Response … no new message will be created, and the
 * loading message will be edited instead. The ephemeral flag will be ignored" (receiving-and-responding.mdx,
 * Create Followup Message). The fake applies that while the deferred message is still loading.
 */
function followupEditsDeferred(
  ctx: RouteContext,
  interaction: InteractionModel,
  body: Body,
): RestResponse | null {
  if (interaction.callback?.type !== InteractionResponseType.DeferredChannelMessageWithSource) return null;
  const original = interaction.originalMessageId
    ? ctx.state.messages.get(interaction.originalMessageId)
    : undefined;
  if (!original || ((original.message.flags ?? 0) & MessageFlags.Loading) === 0) return null;
  const error = ctx.state.settings.validate
    ? (validateMessageBody(body, true, ctx.files.length) ?? checkComponentsV2(body))
    : null;
  if (error) return invalid(error);
  const { flags, ...rest } = body;
  const kept = typeof flags === 'number' ? { flags: flags & ~MessageFlags.Ephemeral } : {};
  const now = Date.now();
  interaction.edits.push({
    method: 'PATCH',
    target: '@original',
    body: ctx.body,
    at: now,
    elapsedMs: now - interaction.dispatchedAt,
    viaFollowup: true,
  });
  return {
    status: 200,
    body: ctx.state.messages.edit(original.message.id, { ...rest, ...kept }, ctx.files)?.message,
  };
}

function followup(ctx: RouteContext): RestResponse {
  const interaction = webhookInteraction(ctx);
  if ('status' in interaction) return interaction;
  if (!interaction.callback) return errors.unknownWebhook();
  const body = asBody(ctx.body);
  const asEdit = followupEditsDeferred(ctx, interaction, body);
  if (asEdit) return asEdit;
  const error = ctx.state.settings.validate
    ? (validateMessageBody(body, true, ctx.files.length) ?? checkComponentsV2(body))
    : null;
  if (error) return invalid(error);
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const record = ctx.state.messages.create(interaction.channelId, body, {
    type: messageType(interaction),
    ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
    files: ctx.files,
    interaction: messageContext(ctx, interaction, {
      originalResponseMessageId: interaction.originalMessageId ?? undefined,
    }),
  });
  interaction.followupIds.push(record.message.id);
  // "Functions the same as Execute Webhook, but `wait` is always true".
  return { status: 200, body: record.message };
}

/** Interaction callbacks and the interaction webhook (original response, followups, their edits). */
export const interactionRoutes: Route[] = [
  { method: 'POST', pattern: '/interactions/:id/:token/callback', auth: 'none', handle: callback },
  {
    method: 'GET',
    pattern: '/webhooks/:app/:token/messages/@original',
    auth: 'none',
    handle: webhookMessage('GET'),
  },
  {
    method: 'PATCH',
    pattern: '/webhooks/:app/:token/messages/@original',
    auth: 'none',
    handle: webhookMessage('PATCH'),
  },
  {
    method: 'DELETE',
    pattern: '/webhooks/:app/:token/messages/@original',
    auth: 'none',
    handle: webhookMessage('DELETE'),
  },
  {
    method: 'GET',
    pattern: '/webhooks/:app/:token/messages/:message',
    auth: 'none',
    handle: webhookMessage('GET'),
  },
  {
    method: 'PATCH',
    pattern: '/webhooks/:app/:token/messages/:message',
    auth: 'none',
    handle: webhookMessage('PATCH'),
  },
  {
    method: 'DELETE',
    pattern: '/webhooks/:app/:token/messages/:message',
    auth: 'none',
    handle: webhookMessage('DELETE'),
  },
  { method: 'POST', pattern: '/webhooks/:app/:token', auth: 'none', handle: followup },
];
