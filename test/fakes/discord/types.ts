import type {
  APIApplicationCommandInteractionDataOption,
  APIMessage,
  ChannelType,
  InteractionType,
  OverwriteType,
} from 'discord-api-types/v10';

/** A permission bit set: a bigint, or its decimal string as Discord sends it. */
export type PermissionsInput = bigint | string;

/** A user known to the fake (guild members are users too; this is for users in no guild, e.g. OAuth). */
export interface FakeUserConfig {
  id: string;
  username: string;
  globalName?: string;
  bot?: boolean;
}

/** A permission overwrite of a channel: `id` is a role (the guild id for `@everyone`) or, with `type: 1`, a member. */
export interface FakeOverwriteConfig {
  id: string;
  /** `OverwriteType.Role` (0, default) or `OverwriteType.Member` (1). */
  type?: OverwriteType;
  allow?: PermissionsInput;
  deny?: PermissionsInput;
}

/**
 * A guild channel. `type` defaults to `ChannelType.GuildText`. Threads (types 10, 11, 12) need `parentId` (the text
 * or announcement channel they live in) and take their permissions from it, as on Discord.
 */
export interface FakeChannelConfig {
  id: string;
  name: string;
  type?: ChannelType;
  parentId?: string;
  topic?: string;
  /** Channel permission overwrites (ignored on threads: they use their parent's). */
  permissionOverwrites?: FakeOverwriteConfig[];
  /** Threads: archived (left out of GUILD_CREATE, which lists active threads only). Default false. */
  archived?: boolean;
  /** Threads: locked (only members with Manage Threads may unarchive it). Default false. */
  locked?: boolean;
}

/** A role. The role whose id equals the guild id is `@everyone` (added automatically when missing). */
export interface FakeRoleConfig {
  id: string;
  name: string;
  /** Default: none (0). */
  permissions?: PermissionsInput;
  position?: number;
}

/** A guild member and its user. */
export interface FakeMemberConfig {
  userId: string;
  username: string;
  globalName?: string;
  nick?: string;
  /** Role ids (not including `@everyone`). */
  roles?: string[];
  /**
   * Overrides the permissions that interactions carry in `member.permissions` (as channel overwrites would).
   * Default: computed from `@everyone` + the member's roles (Administrator or owner → all).
   */
  permissions?: PermissionsInput;
  bot?: boolean;
}

/** A guild the bot is in. */
export interface FakeGuildConfig {
  id: string;
  name: string;
  /** Default: the first member, else the bot. */
  ownerId?: string;
  /** `guild_locale` of interactions; default `en-US`. */
  locale?: string;
  channels?: FakeChannelConfig[];
  roles?: FakeRoleConfig[];
  members?: FakeMemberConfig[];
  /** Role ids of the bot's own member (it is added to every guild). */
  botRoles?: string[];
  /** `system_channel_id` (where Discord posts system messages); default none (null). */
  systemChannelId?: string;
}

/** An OAuth2 authorization code the fake accepts once at `POST /oauth2/token`. */
export interface FakeOAuthCode {
  code: string;
  userId: string;
  /** Default `identify guilds.members.read`. */
  scope?: string;
  /**
   * The `redirect_uri` the authorization used: the exchange must send exactly it, and none when this is unset (an
   * Activity's `authorize` uses no redirect).
   */
  redirectUri?: string;
}

/** Everything the fake is configured with. Every field has a default. */
export interface FakeDiscordOptions {
  /** Bot token (`Authorization: Bot <token>`, gateway IDENTIFY). Default `fake-bot-token`. */
  token?: string;
  bot?: { id?: string; username?: string };
  /** Default: the bot user id (as for every modern Discord application). */
  applicationId?: string;
  /** OAuth2 client secret. Default `fake-client-secret`. The client id is the application id. */
  clientSecret?: string;
  guilds?: FakeGuildConfig[];
  users?: FakeUserConfig[];
  oauthCodes?: FakeOAuthCode[];
  /** `shards` returned by `GET /gateway/bot`. Default 1. */
  recommendedShards?: number;
  /** `session_start_limit.max_concurrency`. Default 16, so several shards identify at once. */
  maxConcurrency?: number;
  /** HELLO `heartbeat_interval` in ms. Default 41250 (Discord's); use a short one in tests of heartbeats. */
  heartbeatIntervalMs?: number;
  /** Reject bodies Discord would reject (message and command limits) with 400 / code 50035. Default true. */
  validate?: boolean;
  /**
   * Answer interaction callbacks later than 3 s after the interaction's creation with 404 / 10062 Unknown
   * interaction, as Discord does (`receiving-and-responding.mdx`: "you must send an initial response within 3
   * seconds"). Default true.
   */
  enforceAckDeadline?: boolean;
  /**
   * How long an interaction token works on the interaction webhook (edits, followups) after the interaction's
   * creation; later calls answer 401 / 50027 Invalid Webhook Token. Default 900000 (Discord: "Interaction tokens
   * are valid for 15 minutes").
   */
  interactionTokenLifetimeMs?: number;
  /**
   * Check every request body against Discord's published OpenAPI description (zod schemas of the
   * `discord-api-spec` package, see `spec-schemas.ts`): a mismatch answers 400 / 50035 Invalid Form Body. Applies
   * only when `validate` is on. Default true.
   */
  specSchemas?: boolean;
  /**
   * The bot's global rate limit (Discord: 50 requests per second per bot, interaction endpoints excluded). Over it,
   * 429 with `global: true`. Default 50; `false` turns it off.
   */
  globalRateLimit?: number | false;
  /**
   * Per-route buckets (`X-RateLimit-*` headers on every answer; a request past `limit` in `windowMs` answers 429
   * scope `user`). Discord does not publish per-route figures; the default, 50 per second per bucket, is a guess
   * that keeps test suites fast (unconfirmed). `false` sends no bucket headers and never limits per route.
   */
  routeRateLimit?: { limit: number; windowMs: number } | false;
  /**
   * How long a message `nonce` sent with `enforce_nonce: true` makes a repeat return the earlier message (Discord:
   * "the past few minutes", not specified further). Default 120000 (2 minutes, on the short side on purpose).
   */
  nonceWindowMs?: number;
}

/** A file part of a multipart request. */
export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string | null;
  size: number;
}

/** One REST request as the fake received and answered it. */
export interface RecordedCall {
  /** Position in the call log (0-based). */
  index: number;
  method: string;
  /** Path after `/api/v10`, without the query, percent-decoded (`%40original` → `@original`). */
  path: string;
  /** The request target as sent (with `/api/v10` and the query). */
  rawUrl: string;
  /** Route template that handled it, e.g. `PATCH /webhooks/:app/:token/messages/@original`; null when unknown. */
  route: string | null;
  query: Record<string, string>;
  /** JSON body, form body (as an object), or multipart `payload_json`; undefined when empty. */
  body: unknown;
  files: RecordedFile[];
  headers: { authorization?: string; contentType?: string; userAgent?: string; auditLogReason?: string };
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status answered; 0 when the fake hung, dropped or held the request (nothing was answered). */
  status: number;
  /** The injected fault that answered this call, if any. */
  fault: RestFaultKind | null;
  /** The body answered; for a `hold` fault, the one withheld (the request was applied). */
  responseBody: unknown;
  /** `hold` fault only: the status withheld. */
  heldStatus?: number;
  /** For an injected 429: its `X-RateLimit-Scope` (a `shared` 429 is not an invalid request). */
  rateLimitScope?: 'user' | 'global' | 'shared';
}

/** The kinds of injected REST faults. */
export type RestFaultKind = 'rateLimit' | 'status' | 'hang' | 'drop' | 'hold' | 'lostAnswer';

/** Selects requests for a fault: every criterion given must match. */
export interface RequestMatcher {
  method?: string;
  /** Tested against `RecordedCall.path` (e.g. `/^\/channels\/\d+\/messages$/`). */
  path?: RegExp;
  /** Tested against the parsed JSON body, e.g. to fault one kind of message among posts to the same channel. */
  body?: (body: unknown) => boolean;
}

/** A message the fake stores (channel message, interaction response or followup). */
export interface FakeMessageRecord {
  message: APIMessage;
  /** `allowed_mentions` as last sent for this message (undefined when never sent). */
  allowedMentions: unknown;
  /** Ephemeral messages are only visible through their interaction, never in the channel. */
  ephemeral: boolean;
  deleted: boolean;
  /** The interaction this message answers, if any. */
  interactionId: string | null;
  /** Every PATCH applied to the message, in order. */
  edits: Array<{ at: number; body: unknown }>;
}

/** The app's callback to an interaction (`POST /interactions/{id}/{token}/callback`). */
export interface InteractionCallbackRecord {
  /** `InteractionResponseType` (4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete, 9 modal). */
  type: number;
  data: unknown;
  at: number;
  /** Milliseconds between the INTERACTION_CREATE dispatch and this callback (Discord allows 3,000). */
  elapsedMs: number;
}

/** A PATCH or DELETE the app made through an interaction's webhook. */
export interface InteractionEditRecord {
  method: 'PATCH' | 'DELETE';
  /** `@original` or a followup message id. */
  target: string;
  body: unknown;
  at: number;
  elapsedMs: number;
  /** A followup (`POST /webhooks/{app}/{token}`) that Discord applied to the still-loading deferred reply. */
  viaFollowup?: boolean;
}

/** Everything the app answered to one interaction. */
export interface InteractionResponses {
  id: string;
  token: string;
  type: InteractionType;
  guildId: string;
  channelId: string;
  userId: string;
  /** Command name (commands, autocomplete) or custom id (components). */
  name: string;
  shardId: number;
  dispatchedAt: number;
  callback: InteractionCallbackRecord | null;
  /** The `@original` message (the component's message after an update callback); null before any. */
  original: FakeMessageRecord | null;
  followups: FakeMessageRecord[];
  edits: InteractionEditRecord[];
  /** `data.choices` of an autocomplete callback. */
  autocompleteChoices: unknown[] | null;
}

/** Slash command options: name → value (types inferred or taken from the registered command), or raw options. */
export type SlashOptionsInput =
  Record<string, string | number | boolean> | APIApplicationCommandInteractionDataOption[];

/** Who invokes an interaction, and where. */
export interface InteractionContextInput {
  guildId: string;
  channelId: string;
  userId: string;
  /** User locale; default `en-US`. */
  locale?: string;
  /**
   * Discord created the interaction this many ms before it is dispatched (a delivery that lagged, a replay after
   * a resume): its snowflake says so, and the 3 s acknowledgement deadline counts from then. Default 0.
   */
  createdAgoMs?: number;
}

/** `sendSlashCommand` input. */
export interface SlashCommandInput extends InteractionContextInput {
  name: string;
  options?: SlashOptionsInput;
  subcommand?: string;
  subcommandGroup?: string;
}

/** `sendAutocomplete` input: `focused` names the option being typed (or mark one raw option `focused: true`). */
export interface AutocompleteInput extends SlashCommandInput {
  focused?: string;
}

/** `clickButton` input. When `messageId` is a stored message it is sent as the interaction's `message`. */
export interface ButtonClickInput extends InteractionContextInput {
  customId: string;
  messageId?: string;
}
