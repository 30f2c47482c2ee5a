import { randomBytes } from 'node:crypto';
import type { APIApplicationCommand, APIUser, InteractionType } from 'discord-api-types/v10';
import { MessageStore } from './message-store';
import {
  guildFromConfig,
  memberFromConfig,
  userFromConfig,
  type ChannelModel,
  type GuildModel,
  type UserModel,
} from './model';
import { apiUser } from './payloads';
import { fakeSnowflake } from './snowflake';
import type {
  FakeDiscordOptions,
  FakeGuildConfig,
  FakeMemberConfig,
  FakeOAuthCode,
  FakeUserConfig,
  InteractionCallbackRecord,
  InteractionEditRecord,
  InteractionResponses,
  RecordedCall,
} from './types';
import { Waiters } from './waiters';

/** An interaction the fake dispatched, and everything the app answered to it. */
export interface InteractionModel {
  id: string;
  token: string;
  type: InteractionType;
  guildId: string;
  channelId: string;
  userId: string;
  name: string;
  commandType?: number;
  /** Components: the message the component sits on. */
  componentMessageId?: string;
  shardId: number;
  /** Discord's creation time (the snowflake's): the acknowledgement deadline counts from it. */
  createdAt: number;
  dispatchedAt: number;
  callback: InteractionCallbackRecord | null;
  originalMessageId: string | null;
  followupIds: string[];
  edits: InteractionEditRecord[];
  autocompleteChoices: unknown[] | null;
  expired: boolean;
  /** Resolvers of `InteractionHandle.callback`. */
  callbackListeners: Array<(record: InteractionCallbackRecord) => void>;
}

/** An OAuth2 access token issued to a user. */
export interface UserToken {
  userId: string;
  scope: string;
  expiresAt: number;
}

/** Resolved settings: every option with its default applied. */
export interface FakeDiscordSettings {
  token: string;
  applicationId: string;
  clientSecret: string;
  recommendedShards: number;
  maxConcurrency: number;
  heartbeatIntervalMs: number;
  validate: boolean;
  enforceAckDeadline: boolean;
  interactionTokenLifetimeMs: number;
  specSchemas: boolean;
  globalRateLimit: number | false;
  routeRateLimit: { limit: number; windowMs: number } | false;
  nonceWindowMs: number;
}

/** The fake's whole world: users, guilds, messages, commands, interactions, OAuth and the REST call log. */
export class FakeDiscordState {
  readonly settings: FakeDiscordSettings;
  readonly bot: UserModel;
  readonly users = new Map<string, UserModel>();
  readonly guilds = new Map<string, GuildModel>();
  readonly commands = new Map<string, APIApplicationCommand[]>();
  readonly interactions = new Map<string, InteractionModel>();
  readonly oauthCodes = new Map<string, FakeOAuthCode>();
  readonly userTokens = new Map<string, UserToken>();
  readonly refreshTokens = new Map<string, UserToken>();
  readonly calls: RecordedCall[] = [];
  readonly waiters = new Waiters();
  readonly messages: MessageStore;
  /** Tells the app's gateway session about a change made by a REST call (e.g. THREAD_UPDATE on unarchive). */
  guildDispatch: (guildId: string, t: string, d: unknown) => void = () => undefined;

  constructor(options: FakeDiscordOptions = {}) {
    this.bot = {
      id: options.bot?.id ?? fakeSnowflake(),
      username: options.bot?.username ?? 'Fake Bot',
      globalName: null,
      bot: true,
    };
    this.users.set(this.bot.id, this.bot);
    this.settings = {
      token: options.token ?? 'fake-bot-token',
      applicationId: options.applicationId ?? this.bot.id,
      clientSecret: options.clientSecret ?? 'fake-client-secret',
      recommendedShards: options.recommendedShards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 16,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41250,
      validate: options.validate ?? true,
      enforceAckDeadline: options.enforceAckDeadline ?? true,
      interactionTokenLifetimeMs: options.interactionTokenLifetimeMs ?? 900_000,
      specSchemas: options.specSchemas ?? true,
      globalRateLimit: options.globalRateLimit ?? 50,
      routeRateLimit: options.routeRateLimit ?? { limit: 50, windowMs: 1000 },
      nonceWindowMs: options.nonceWindowMs ?? 120_000,
    };
    this.messages = new MessageStore({
      author: () => apiUser(this.bot),
      applicationId: () => this.settings.applicationId,
      lookupUser: (id) => this.users.get(id),
      guildOfChannel: (channelId) => this.channel(channelId)?.guild,
    });
    for (const user of options.users ?? []) this.addUser(user);
    for (const guild of options.guilds ?? []) this.addGuild(guild);
    for (const code of options.oauthCodes ?? []) this.oauthCodes.set(code.code, code);
  }

  /** The bot user as Discord sends it. */
  botUser(): APIUser {
    return apiUser(this.bot);
  }

  /** Adds (or replaces) a user. */
  addUser(config: FakeUserConfig | FakeMemberConfig): UserModel {
    const user = userFromConfig(config);
    this.users.set(user.id, user);
    return user;
  }

  /** Adds (or replaces) a guild with its members' users. */
  addGuild(config: FakeGuildConfig): GuildModel {
    for (const member of config.members ?? []) this.addUser(member);
    const guild = guildFromConfig(config, this.bot.id);
    this.guilds.set(guild.id, guild);
    return guild;
  }

  /** Adds or replaces a member of a guild (roles, nick, permission override). */
  upsertMember(guildId: string, config: FakeMemberConfig): void {
    const guild = this.requireGuild(guildId);
    this.addUser(config);
    guild.members.set(
      config.userId,
      memberFromConfig(config, guild.members.get(config.userId)?.joinedAt ?? new Date().toISOString()),
    );
  }

  /** A guild, or an error naming it. */
  requireGuild(guildId: string): GuildModel {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${guildId}`);
    return guild;
  }

  /** A user, or an error naming it. */
  requireUser(userId: string): UserModel {
    const user = this.users.get(userId);
    if (!user) throw new Error(`FakeDiscord: unknown user ${userId}`);
    return user;
  }

  /** A channel and its guild. */
  channel(channelId: string): { channel: ChannelModel; guild: GuildModel } | undefined {
    for (const guild of this.guilds.values()) {
      const channel = guild.channels.get(channelId);
      if (channel) return { channel, guild };
    }
    return undefined;
  }

  /** Commands registered globally (`scope` undefined) or for a guild. */
  commandsFor(guildId?: string): APIApplicationCommand[] {
    return this.commands.get(guildId ?? 'global') ?? [];
  }

  /** Bulk overwrite: keeps the id of a command whose name and type did not change, as Discord does. */
  overwriteCommands(
    guildId: string | undefined,
    body: Array<Record<string, unknown>>,
  ): APIApplicationCommand[] {
    const previous = this.commandsFor(guildId);
    const stored = body.map((command) => {
      const type = (command.type as number | undefined) ?? 1;
      const existing = previous.find((old) => old.name === command.name && old.type === type);
      return {
        name_localizations: null,
        description_localizations: null,
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        options: [],
        ...command,
        description: (command.description as string | undefined) ?? '',
        type,
        id: existing?.id ?? fakeSnowflake(),
        application_id: this.settings.applicationId,
        version: fakeSnowflake(),
        ...(guildId ? { guild_id: guildId } : {}),
      } as unknown as APIApplicationCommand;
    });
    this.commands.set(guildId ?? 'global', stored);
    return stored;
  }

  /** The command an interaction names: the guild's first, then the global one. */
  findCommand(name: string, guildId: string): APIApplicationCommand | undefined {
    return (
      this.commandsFor(guildId).find((c) => c.name === name) ??
      this.commandsFor().find((c) => c.name === name)
    );
  }

  /** The interaction whose webhook token this is. */
  interactionByToken(token: string): InteractionModel | undefined {
    for (const interaction of this.interactions.values()) if (interaction.token === token) return interaction;
    return undefined;
  }

  /** A snapshot (deep copy) of everything the app answered to an interaction. */
  responses(interactionId: string): InteractionResponses {
    const interaction = this.interactions.get(interactionId);
    if (!interaction) throw new Error(`FakeDiscord: unknown interaction ${interactionId}`);
    const message = (id: string | null) => (id ? (this.messages.getAny(id) ?? null) : null);
    return structuredClone({
      id: interaction.id,
      token: interaction.token,
      type: interaction.type,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      userId: interaction.userId,
      name: interaction.name,
      shardId: interaction.shardId,
      dispatchedAt: interaction.dispatchedAt,
      callback: interaction.callback,
      original: message(interaction.originalMessageId),
      followups: interaction.followupIds.flatMap((id) => message(id) ?? []),
      edits: interaction.edits,
      autocompleteChoices: interaction.autocompleteChoices,
    });
  }

  /** Issues an access token for a user, as a successful OAuth2 exchange does. */
  issueUserToken(
    userId: string,
    scope: string,
  ): { accessToken: string; refreshToken: string; expiresIn: number } {
    const expiresIn = 604800;
    const token: UserToken = { userId, scope, expiresAt: Date.now() + expiresIn * 1000 };
    const accessToken = randomBytes(15).toString('base64url');
    const refreshToken = randomBytes(15).toString('base64url');
    this.userTokens.set(accessToken, token);
    this.refreshTokens.set(refreshToken, token);
    return { accessToken, refreshToken, expiresIn };
  }

  /** The user behind a live bearer token. */
  userForToken(accessToken: string): UserToken | undefined {
    const token = this.userTokens.get(accessToken);
    return token && token.expiresAt > Date.now() ? token : undefined;
  }
}
