import {
  MessageFlags,
  MessageType,
  type APIAttachment,
  type APIMessage,
  type APIMessageInteractionMetadata,
  type APIUser,
  type InteractionType,
} from 'discord-api-types/v10';
import type { GuildModel, UserModel } from './model';
import { apiMember, apiUser } from './payloads';
import { fakeSnowflake } from './snowflake';
import type { FakeMessageRecord, RecordedFile } from './types';

/** Who and what a message answers, for `interaction_metadata`. */
export interface MessageInteractionContext {
  id: string;
  type: InteractionType;
  user: UserModel;
  guildId: string;
  name: string;
  commandType?: number;
  interactedMessageId?: string;
  originalResponseMessageId?: string;
}

/** How a message is created. */
export interface CreateMessageOptions {
  type?: MessageType;
  ephemeral?: boolean;
  interaction?: MessageInteractionContext;
  files?: RecordedFile[];
  /** Deferred responses start empty with the Loading flag. */
  loading?: boolean;
}

type Body = Record<string, unknown>;

/** Flags an app may set on a message; Discord ignores the rest. */
const SETTABLE_FLAGS =
  MessageFlags.SuppressEmbeds |
  MessageFlags.Ephemeral |
  MessageFlags.SuppressNotifications |
  MessageFlags.IsComponentsV2;

const nonceKey = (authorId: string, nonce: string | number) => `${authorId}/${String(nonce)}`;

/** Stores messages per channel with their edit history and `allowed_mentions`. */
export class MessageStore {
  private readonly records = new Map<string, FakeMessageRecord>();
  private readonly byChannel = new Map<string, string[]>();
  /** Author + nonce → the latest message created with them, and when. */
  private readonly nonces = new Map<string, { id: string; at: number }>();

  constructor(
    private readonly deps: {
      author: () => APIUser;
      applicationId: () => string;
      lookupUser: (id: string) => UserModel | undefined;
      guildOfChannel: (channelId: string) => GuildModel | undefined;
    },
  ) {}

  /** Creates a message in `channelId` from a REST body. */
  create(channelId: string, body: Body, options: CreateMessageOptions = {}): FakeMessageRecord {
    const id = fakeSnowflake();
    const interaction = options.interaction;
    const flags =
      (typeof body.flags === 'number' ? body.flags & SETTABLE_FLAGS : 0) |
      (options.ephemeral ? MessageFlags.Ephemeral : 0);
    const message: APIMessage = {
      id,
      channel_id: channelId,
      author: this.deps.author(),
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: options.type ?? MessageType.Default,
      flags: options.loading ? flags | MessageFlags.Loading : flags,
    };
    if (interaction) {
      message.webhook_id = this.deps.applicationId();
      message.application_id = this.deps.applicationId();
      message.interaction_metadata = this.interactionMetadata(interaction);
      message.interaction = {
        id: interaction.id,
        type: interaction.type,
        name: interaction.name,
        user: apiUser(interaction.user),
      };
    }
    const record: FakeMessageRecord = {
      message,
      allowedMentions: undefined,
      ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
      deleted: false,
      interactionId: interaction?.id ?? null,
      edits: [],
    };
    if (!options.loading) this.apply(record, body, options.files ?? []);
    if (typeof body.nonce === 'string' || typeof body.nonce === 'number') {
      message.nonce = body.nonce;
      this.nonces.set(nonceKey(message.author.id, body.nonce), { id, at: Date.now() });
    }
    this.records.set(id, record);
    const list = this.byChannel.get(channelId) ?? [];
    list.push(id);
    this.byChannel.set(channelId, list);
    return record;
  }

  /**
   * The live message `authorId` created with `nonce` less than `windowMs` ago: what Discord returns, instead of
   * creating another, for a create with `enforce_nonce: true`.
   */
  byNonce(authorId: string, nonce: string | number, windowMs: number): FakeMessageRecord | undefined {
    const seen = this.nonces.get(nonceKey(authorId, nonce));
    return seen && Date.now() - seen.at < windowMs ? this.get(seen.id) : undefined;
  }

  /** Applies a PATCH body to a stored message (clears the Loading flag of a deferred response). */
  edit(id: string, body: Body, files: RecordedFile[] = []): FakeMessageRecord | undefined {
    const record = this.get(id);
    if (!record) return undefined;
    const wasLoading = ((record.message.flags ?? 0) & MessageFlags.Loading) !== 0;
    this.apply(record, body, files);
    record.message.flags = (record.message.flags ?? 0) & ~MessageFlags.Loading;
    // Filling a deferred response is not an edit for Discord: edited_timestamp stays null.
    if (!wasLoading) record.message.edited_timestamp = new Date().toISOString();
    record.edits.push({ at: Date.now(), body });
    return record;
  }

  /** Marks a message deleted; returns false when unknown or already deleted. */
  delete(id: string): boolean {
    const record = this.get(id);
    if (!record) return false;
    record.deleted = true;
    return true;
  }

  /** A live (not deleted) message. */
  get(id: string): FakeMessageRecord | undefined {
    const record = this.records.get(id);
    return record && !record.deleted ? record : undefined;
  }

  /** A message even when deleted (for assertions). */
  getAny(id: string): FakeMessageRecord | undefined {
    return this.records.get(id);
  }

  /** Live, non-ephemeral messages of a channel, oldest first. */
  list(channelId: string): FakeMessageRecord[] {
    return (this.byChannel.get(channelId) ?? [])
      .map((id) => this.records.get(id))
      .filter(
        (record): record is FakeMessageRecord => record !== undefined && !record.deleted && !record.ephemeral,
      );
  }

  private interactionMetadata(context: MessageInteractionContext): APIMessageInteractionMetadata {
    return {
      id: context.id,
      type: context.type,
      user: apiUser(context.user),
      authorizing_integration_owners: { '0': context.guildId },
      ...(context.commandType !== undefined ? { name: context.name, command_type: context.commandType } : {}),
      ...(context.originalResponseMessageId
        ? { original_response_message_id: context.originalResponseMessageId }
        : {}),
      ...(context.interactedMessageId ? { interacted_message_id: context.interactedMessageId } : {}),
    } as APIMessageInteractionMetadata;
  }

  private apply(record: FakeMessageRecord, body: Body, files: RecordedFile[]): void {
    const message = record.message;
    if (typeof body.content === 'string') message.content = body.content;
    if (Array.isArray(body.embeds)) message.embeds = body.embeds as APIMessage['embeds'];
    if (Array.isArray(body.components)) message.components = body.components as APIMessage['components'];
    if (typeof body.tts === 'boolean') message.tts = body.tts;
    if (typeof body.flags === 'number') {
      message.flags =
        ((message.flags ?? 0) & ~SETTABLE_FLAGS) |
        (body.flags & SETTABLE_FLAGS) |
        (record.ephemeral ? MessageFlags.Ephemeral : 0);
    }
    if ('allowed_mentions' in body) record.allowedMentions = body.allowed_mentions;
    message.attachments = this.attachments(message.attachments, body.attachments, files);
    this.applyMentions(record);
  }

  private attachments(current: APIAttachment[], listed: unknown, files: RecordedFile[]): APIAttachment[] {
    const kept = Array.isArray(listed)
      ? current.filter((attachment) =>
          listed.some((item) => (item as { id?: unknown })?.id?.toString() === attachment.id),
        )
      : current;
    const added = files.map((file): APIAttachment => {
      const id = fakeSnowflake();
      const url = `https://cdn.discordapp.invalid/attachments/${id}/${encodeURIComponent(file.filename)}`;
      return {
        id,
        filename: file.filename,
        size: file.size,
        url,
        proxy_url: url,
        ...(file.contentType ? { content_type: file.contentType } : {}),
      };
    });
    return [...kept, ...added];
  }

  /**
   * Fills `mentions`, `mention_roles` and `mention_everyone` with what the message actually pings: mentions in
   * the content that `allowed_mentions` lets through (absent `allowed_mentions` → everything parses).
   */
  private applyMentions(record: FakeMessageRecord): void {
    const message = record.message;
    const allowed = record.allowedMentions as
      { parse?: string[]; users?: string[]; roles?: string[] } | undefined | null;
    const parse = allowed ? (allowed.parse ?? []) : ['users', 'roles', 'everyone'];
    const userIds = [...message.content.matchAll(/<@!?(\d{15,21})>/g)].map((match) => match[1]);
    const roleIds = [...message.content.matchAll(/<@&(\d{15,21})>/g)].map((match) => match[1]);
    const guild = this.deps.guildOfChannel(message.channel_id);
    const pingedUsers = [...new Set(userIds)].filter(
      (id) => parse.includes('users') || allowed?.users?.includes(id),
    );
    message.mentions = pingedUsers.flatMap((id) => {
      const user = this.deps.lookupUser(id);
      if (!user) return [];
      const member = guild?.members.get(id);
      if (!member) return [apiUser(user)];
      const { user: _user, ...memberFields } = apiMember(member, user);
      return [{ ...apiUser(user), member: memberFields }];
    });
    message.mention_roles = [...new Set(roleIds)].filter(
      (id) => (parse.includes('roles') || allowed?.roles?.includes(id)) && (!guild || guild.roles.has(id)),
    );
    message.mention_everyone = parse.includes('everyone') && /@(everyone|here)\b/.test(message.content);
  }
}
