import { randomBytes } from 'node:crypto';
import { ButtonStyle, ComponentType, InteractionType } from 'discord-api-types/v10';
import type { FakeGateway } from './gateway';
import {
  baseInteraction,
  buildOptions,
  buttonData,
  commandData,
  hasComponent,
  resolveScene,
} from './interaction-payloads';
import { fakeSnowflake } from './snowflake';
import type { FakeDiscordState, InteractionModel } from './state';
import type {
  AutocompleteInput,
  ButtonClickInput,
  InteractionCallbackRecord,
  InteractionResponses,
  SlashCommandInput,
} from './types';

/**
 * An interaction the fake dispatched. `callback` resolves when the app answers
 * `POST /interactions/{id}/{token}/callback`; `responses()` shows everything answered so far.
 */
export class InteractionHandle {
  /** Resolves with the app's callback (never rejects; use `waitForCallback` for a timeout). */
  readonly callback: Promise<InteractionCallbackRecord>;

  constructor(
    private readonly state: FakeDiscordState,
    private readonly model: InteractionModel,
    /** The INTERACTION_CREATE payload as dispatched. */
    readonly payload: Record<string, unknown>,
  ) {
    this.callback = new Promise((resolve) => model.callbackListeners.push(resolve));
  }

  /** Interaction id. */
  get id(): string {
    return this.model.id;
  }

  /** Interaction token (also the webhook token of its responses). */
  get token(): string {
    return this.model.token;
  }

  /** Shard whose socket received the dispatch. */
  get shardId(): number {
    return this.model.shardId;
  }

  /** Date.now() at dispatch. */
  get dispatchedAt(): number {
    return this.model.dispatchedAt;
  }

  /** A snapshot of the callback, the original response, followups and edits. */
  responses(): InteractionResponses {
    return this.state.responses(this.model.id);
  }

  /** Waits for the callback; rejects after `timeoutMs`. */
  waitForCallback(timeoutMs = 5000): Promise<InteractionCallbackRecord> {
    return this.state.waiters.waitFor(
      () => this.model.callback,
      timeoutMs,
      `the callback of interaction ${this.model.name}`,
    );
  }

  /** Waits until `predicate(responses)` holds, e.g. `(r) => r.edits.length > 0`; rejects after `timeoutMs`. */
  waitFor(
    predicate: (responses: InteractionResponses) => boolean,
    timeoutMs = 5000,
    description = 'a condition',
  ): Promise<InteractionResponses> {
    return this.state.waiters.waitFor(
      () => {
        const responses = this.responses();
        return predicate(responses) ? responses : undefined;
      },
      timeoutMs,
      `${description} on interaction ${this.model.name}`,
    );
  }

  /** Expires the token now (as after 15 min): callbacks get 10062, webhook calls 401 / 50027. */
  expire(): void {
    this.model.expired = true;
  }
}

/** Builds interaction payloads and dispatches them to the shard socket that owns the guild. */
export class InteractionDispatcher {
  constructor(
    private readonly state: FakeDiscordState,
    private readonly gateway: FakeGateway,
  ) {}

  /** Dispatches a chat input command. */
  slash(input: SlashCommandInput): InteractionHandle {
    return this.command(InteractionType.ApplicationCommand, input);
  }

  /** Dispatches an autocomplete request. */
  autocomplete(input: AutocompleteInput): InteractionHandle {
    const raw = Array.isArray(input.options) ? input.options : undefined;
    const focusedRaw = raw?.some((option) => 'focused' in option && option.focused === true);
    const focusedNamed =
      !raw && input.focused !== undefined && input.options && input.focused in input.options;
    if (!focusedRaw && !focusedNamed)
      throw new Error('FakeDiscord: autocomplete needs a focused option (`focused: name`)');
    return this.command(InteractionType.ApplicationCommandAutocomplete, input);
  }

  /** Dispatches a button click on a stored message (or on a stand-in bot message carrying that button). */
  button(input: ButtonClickInput): InteractionHandle {
    const scene = resolveScene(this.state, input);
    let record = input.messageId ? this.state.messages.get(input.messageId) : undefined;
    if (input.messageId && !record) throw new Error(`FakeDiscord: no stored message ${input.messageId}`);
    if (record && !hasComponent(record.message, input.customId)) {
      throw new Error(
        `FakeDiscord: message ${record.message.id} has no component with custom_id ${input.customId}`,
      );
    }
    record ??= this.state.messages.create(input.channelId, {
      content: 'Message with a button (created by FakeDiscord.clickButton)',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.Button,
              style: ButtonStyle.Primary,
              label: 'Button',
              custom_id: input.customId,
            },
          ],
        },
      ],
    });
    const ids = this.newIds(input);
    const payload = {
      ...baseInteraction(this.state, scene, ids, input.locale),
      type: InteractionType.MessageComponent,
      data: buttonData(input.customId),
      message: record.message,
    };
    return this.dispatch(payload, {
      ...ids,
      type: InteractionType.MessageComponent,
      input,
      name: input.customId,
      componentMessageId: record.message.id,
    });
  }

  private command(type: InteractionType, input: SlashCommandInput & { focused?: string }): InteractionHandle {
    const scene = resolveScene(this.state, input);
    const command = this.state.findCommand(input.name, input.guildId);
    // Discord only delivers commands the application registered, globally or for this guild: dispatching any
    // other one is a mistake in the test (or a registration bug in the app), not something Discord would send.
    if (!command) {
      throw new Error(
        `FakeDiscord: command "${input.name}" is not registered globally or for guild ${input.guildId} ` +
          '(Discord would never deliver it; register it first, or let the app register its commands)',
      );
    }
    const ids = this.newIds(input);
    const built = buildOptions(this.state, scene, input, command);
    const payload = {
      ...baseInteraction(this.state, scene, ids, input.locale),
      type,
      data: commandData(input.name, command, fakeSnowflake(), built),
    };
    return this.dispatch(payload, { ...ids, type, input, name: input.name, commandType: 1 });
  }

  private newIds(input: { createdAgoMs?: number }): { id: string; token: string; createdAt: number } {
    const createdAt = Date.now() - (input.createdAgoMs ?? 0);
    return {
      id: fakeSnowflake(createdAt),
      token: `aW50ZXJhY3Rpb24.${randomBytes(48).toString('base64url')}`,
      createdAt,
    };
  }

  private dispatch(
    payload: Record<string, unknown>,
    meta: {
      id: string;
      token: string;
      createdAt: number;
      type: InteractionType;
      input: { guildId: string; channelId: string; userId: string };
      name: string;
      commandType?: number;
      componentMessageId?: string;
    },
  ): InteractionHandle {
    const session = this.gateway.sessionForGuild(meta.input.guildId);
    if (!session)
      throw new Error(`FakeDiscord: no gateway session owns the shard of guild ${meta.input.guildId}`);
    const model: InteractionModel = {
      id: meta.id,
      token: meta.token,
      type: meta.type,
      guildId: meta.input.guildId,
      channelId: meta.input.channelId,
      userId: meta.input.userId,
      name: meta.name,
      commandType: meta.commandType,
      componentMessageId: meta.componentMessageId,
      shardId: session.shard[0],
      createdAt: meta.createdAt,
      dispatchedAt: Date.now(),
      callback: null,
      originalMessageId: null,
      followupIds: [],
      edits: [],
      autocompleteChoices: null,
      expired: false,
      callbackListeners: [],
    };
    this.state.interactions.set(model.id, model);
    const handle = new InteractionHandle(this.state, model, payload);
    this.gateway.dispatchToGuild(meta.input.guildId, 'INTERACTION_CREATE', payload);
    return handle;
  }
}
