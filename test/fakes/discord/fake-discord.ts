import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIApplicationCommand, APIUser } from 'discord-api-types/v10';
import { FakeGateway, type GatewayLogEntry, type SessionFilter } from './gateway';
import { GuildChannels } from './guilds';
import { InteractionDispatcher, type InteractionHandle } from './interactions';
import { RestServer } from './rest-server';
import { botRoutes } from './routes-bot';
import { interactionRoutes } from './routes-interactions';
import { channelPermissions } from './permissions';
import { oauthRoutes } from './routes-oauth';
import { FakeDiscordState } from './state';
import type {
  AutocompleteInput,
  ButtonClickInput,
  FakeChannelConfig,
  FakeDiscordOptions,
  FakeGuildConfig,
  FakeMemberConfig,
  FakeMessageRecord,
  FakeOAuthCode,
  FakeOverwriteConfig,
  FakeUserConfig,
  InteractionResponses,
  RecordedCall,
  RequestMatcher,
  SlashCommandInput,
} from './types';
import type { Probe } from './waiters';
import { invalidRequestCount } from './invalid-requests';

/** A gateway session as tests see it. */
export interface GatewaySessionInfo {
  id: string;
  shard: [number, number];
  intents: number;
  /** Last sequence number sent. */
  seq: number;
  /** Whether a socket is attached (false between a drop and the RESUME). */
  connected: boolean;
  resumes: number;
}

/**
 * A local Discord (REST v10 + gateway v10 on one 127.0.0.1 port) that a real discord.js client logs in to.
 *
 * Boot it, point the client's `rest.api` at `apiUrl`, log in with `token`; then dispatch interactions as given
 * members, read what the app answered, and inject REST and gateway faults. Every REST call is recorded.
 * Destroy clients before `stop()`.
 */
export class FakeDiscord {
  /** The fake's whole state (escape hatch for assertions the helpers do not cover). */
  readonly state: FakeDiscordState;
  private readonly gateway: FakeGateway;
  private readonly rest: RestServer;
  private readonly dispatcher: InteractionDispatcher;
  private readonly channels: GuildChannels;
  private server: Server | null = null;
  private origin: string | null = null;

  /** Configures the fake; nothing listens until `start()`. */
  constructor(options: FakeDiscordOptions = {}) {
    this.state = new FakeDiscordState(options);
    this.gateway = new FakeGateway(this.state, () => `${this.wsOrigin()}/gateway/resume`);
    this.rest = new RestServer(
      this.state,
      [...oauthRoutes, ...botRoutes, ...interactionRoutes],
      () => `${this.wsOrigin()}/gateway`,
    );
    this.dispatcher = new InteractionDispatcher(this.state, this.gateway);
    this.state.guildDispatch = (guildId, t, d) => {
      if (this.gateway.sessionForGuild(guildId)) this.gateway.dispatchToGuild(guildId, t, d);
    };
    this.channels = new GuildChannels(this.state, this.state.guildDispatch);
  }

  /** Listens on 127.0.0.1 (random port). `apiUrl` is what the client takes as `rest.api`. */
  async start(): Promise<{ apiUrl: string; gatewayUrl: string }> {
    if (this.server) throw new Error('FakeDiscord: already started');
    const server = createServer(this.rest.listener);
    server.on('upgrade', this.gateway.upgrade);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { apiUrl: this.apiUrl, gatewayUrl: `${this.wsOrigin()}/gateway` };
  }

  /** Closes sockets, hanging requests, pending waiters and the server: nothing is left open. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.rest.releaseHanging();
    await this.gateway.close();
    this.state.waiters.cancelAll('stopped');
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** `http://127.0.0.1:PORT/api` (discord.js appends `/v10`). */
  get apiUrl(): string {
    return `${this.httpOrigin()}/api`;
  }

  /** The bot token the fake accepts. */
  get token(): string {
    return this.state.settings.token;
  }

  /** The application id (also the OAuth2 client id). */
  get applicationId(): string {
    return this.state.settings.applicationId;
  }

  /** The OAuth2 client secret. */
  get clientSecret(): string {
    return this.state.settings.clientSecret;
  }

  /** The bot user. */
  get botUser(): APIUser {
    return this.state.botUser();
  }

  // ── configuration ────────────────────────────────────────────────────────────────────────────────────────────

  /** Adds a guild; when a session owns its shard, GUILD_CREATE is dispatched (the bot joined it). */
  addGuild(config: FakeGuildConfig): void {
    this.state.addGuild(config);
    const session = this.gateway.sessionForGuild(config.id);
    if (session) this.gateway.dispatchGuildCreate(session, config.id);
  }

  /** Adds or replaces a member (roles, permissions); later interactions and REST reads see it. */
  upsertMember(guildId: string, member: FakeMemberConfig): void {
    this.state.upsertMember(guildId, member);
  }

  /**
   * Adds (or replaces) a channel or thread of a guild (with its permission overwrites); the app's gateway session
   * gets CHANNEL_CREATE / THREAD_CREATE (or _UPDATE). A channel id belongs to one guild only.
   */
  addChannel(guildId: string, channel: FakeChannelConfig): void {
    this.channels.add(guildId, channel);
  }

  /** Replaces a channel's permission overwrites (CHANNEL_UPDATE), e.g. to take Send Messages from the bot. */
  setChannelOverwrites(channelId: string, overwrites: FakeOverwriteConfig[]): void {
    this.channels.setOverwrites(channelId, overwrites);
  }

  /**
   * Archives and/or locks a thread, or reopens it (THREAD_UPDATE). A message to an archived thread unarchives it,
   * unless it is locked and the bot lacks Manage Threads: 400 / 50083 Thread is archived.
   */
  setThreadState(threadId: string, change: { archived?: boolean; locked?: boolean }): void {
    this.channels.setThreadState(threadId, change);
  }

  /** The live, non-ephemeral messages of a channel that carry an embed titled `title` (e.g. a meeting card). */
  publicMessages(channelId: string, title?: string): FakeMessageRecord[] {
    return this.channelMessages(channelId).filter(
      (record) => title === undefined || record.message.embeds[0]?.title === title,
    );
  }

  /** Waits for the first live message of a channel with an embed titled `title` (e.g. a meeting card). */
  waitForPublicMessage(channelId: string, title: string, timeoutMs = 10_000): Promise<FakeMessageRecord> {
    return this.waitFor(
      () => this.publicMessages(channelId, title)[0],
      timeoutMs,
      `a message titled "${title}" in channel ${channelId}`,
    );
  }

  /** Deletes a channel or thread (CHANNEL_DELETE / THREAD_DELETE); later requests to it answer 10003. */
  removeChannel(channelId: string): void {
    this.channels.remove(channelId);
  }

  /** The bot's permissions in a channel as Discord computes them (overwrites applied; threads: the parent's). */
  botPermissionsIn(channelId: string): bigint {
    const found = this.state.channel(channelId);
    if (!found) throw new Error(`FakeDiscord: unknown channel ${channelId}`);
    const bot = found.guild.members.get(this.state.bot.id);
    return bot ? channelPermissions(found.guild, bot, found.channel) : 0n;
  }

  /** Adds a user who is in no guild (e.g. for OAuth). */
  addUser(user: FakeUserConfig): void {
    this.state.addUser(user);
  }

  /** Arms a single-use OAuth2 authorization code. */
  addOAuthCode(code: FakeOAuthCode): void {
    this.state.oauthCodes.set(code.code, code);
  }

  /** Issues a bearer token for a user without the code exchange. */
  issueUserToken(userId: string, scope = 'identify guilds guilds.members.read'): string {
    this.state.requireUser(userId);
    return this.state.issueUserToken(userId, scope).accessToken;
  }

  /**
   * Registers commands as the app would (bulk overwrite of the global list, or of `guildId`'s): for tests that
   * dispatch commands without an app that registers them. Interactions are only dispatched for registered commands.
   */
  registerCommands(commands: Array<Record<string, unknown>>, guildId?: string): APIApplicationCommand[] {
    return structuredClone(this.state.overwriteCommands(guildId, commands));
  }

  // ── interactions ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Dispatches a slash command to the shard socket owning the guild. Options may be `{ name: value }`. */
  sendSlashCommand(input: SlashCommandInput): InteractionHandle {
    return this.dispatcher.slash(input);
  }

  /** Dispatches a button click (on `messageId` when given; it must carry the button). */
  clickButton(input: ButtonClickInput): InteractionHandle {
    return this.dispatcher.button(input);
  }

  /** Dispatches an autocomplete request; `focused` names the option being typed. */
  sendAutocomplete(input: AutocompleteInput): InteractionHandle {
    return this.dispatcher.autocomplete(input);
  }

  /** Everything the app answered to an interaction (snapshot). */
  interactionResponses(interactionId: string): InteractionResponses {
    return this.state.responses(interactionId);
  }

  // ── records and waiting ──────────────────────────────────────────────────────────────────────────────────────

  /** Every REST call so far, in arrival order (live array; do not mutate). */
  get calls(): readonly RecordedCall[] {
    return this.state.calls;
  }

  /** REST calls matching a predicate. */
  /** Calls Discord would count toward its invalid-request limit (401/403/429 not shared) in the last 10 min. */
  invalidRequests(now = Date.now()): number {
    return invalidRequestCount(this.calls, now);
  }

  findCalls(predicate: (call: RecordedCall) => boolean): RecordedCall[] {
    return this.state.calls.filter(predicate);
  }

  /** Forgets recorded REST calls (indexes restart at 0). */
  clearCalls(): void {
    this.state.calls.length = 0;
  }

  /** Resolves with the first call (already recorded or future) matching `predicate`. */
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    return this.state.waiters.waitFor(
      () => this.state.calls.find(predicate),
      timeoutMs,
      'a matching REST call',
    );
  }

  /** Resolves with the probe's first truthy value, re-checked whenever the fake's state changes. */
  waitFor<T>(probe: Probe<T>, timeoutMs = 5000, description = 'a condition'): Promise<T> {
    return this.state.waiters.waitFor(probe, timeoutMs, description);
  }

  /** Commands registered globally, or for `guildId`. */
  commands(guildId?: string): APIApplicationCommand[] {
    return structuredClone(this.state.commandsFor(guildId));
  }

  /** A stored message (also deleted and ephemeral ones). */
  message(messageId: string): FakeMessageRecord | undefined {
    const record = this.state.messages.getAny(messageId);
    return record && structuredClone(record);
  }

  /** Live, non-ephemeral messages of a channel, oldest first. */
  channelMessages(channelId: string): FakeMessageRecord[] {
    return structuredClone(this.state.messages.list(channelId));
  }

  /** Gateway frames received and sent, connections and closes (live array). */
  get gatewayLog(): readonly GatewayLogEntry[] {
    return this.gateway.log;
  }

  /** Live gateway sessions. */
  sessions(): GatewaySessionInfo[] {
    return [...this.gateway.sessions.values()].map((s) => ({
      id: s.id,
      shard: [...s.shard],
      intents: s.intents,
      seq: s.seq,
      connected: s.socket !== null,
      resumes: s.resumes,
    }));
  }

  // ── REST faults ──────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * The next `times` (default 1) matching requests answer 429 after `retryAfter` seconds (default 0.2, float) with
   * Discord's headers; `global` sets `X-RateLimit-Global`, `scope` sets `X-RateLimit-Scope` (default `user`).
   */
  rateLimitNext(
    options: RequestMatcher & {
      times?: number;
      retryAfter?: number;
      global?: boolean;
      scope?: 'user' | 'shared';
    } = {},
  ): void {
    const { times = 1, retryAfter = 0.2, global = false, scope = 'user', ...matcher } = options;
    this.rest.faults.add({ kind: 'rateLimit', retryAfter, global, scope }, matcher, times);
  }

  /** The next `times` matching requests answer `status` (default 500) with `body` (default a Discord error). */
  failNext(options: RequestMatcher & { times?: number; status?: number; body?: unknown } = {}): void {
    const { times = 1, status = 500, body, ...matcher } = options;
    this.rest.faults.add(
      { kind: 'status', status, body: body ?? { message: `${status}: Fake failure`, code: 0 } },
      matcher,
      times,
    );
  }

  /**
   * Makes matching requests answer a Discord JSON error, e.g. `{ status: 400, code: 30046, message: 'Maximum
   * number of edits to messages older than 1 hour reached. Try again later.' }` or 403 / 50001 Missing Access.
   * `times` defaults to Infinity (until `clearFaults()`).
   */
  failRoute(
    options: RequestMatcher & { status: number; code: number; message: string; times?: number },
  ): void {
    const { times = Infinity, status, code, message, ...matcher } = options;
    this.rest.faults.add({ kind: 'status', status, body: { message, code } }, matcher, times);
  }

  /**
   * 30046 as Discord documents it (opcodes-and-status-codes: "Maximum number of edits to messages older than 1 hour
   * reached. Try again later."): a limit that passes, so it answers the next `times` matching PATCHes (default 1),
   * then edits go through again.
   */
  limitOldMessageEditsNext(options: Omit<RequestMatcher, 'method'> & { times?: number } = {}): void {
    const { times = 1, ...matcher } = options;
    this.rest.faults.add(
      {
        kind: 'status',
        status: 400,
        body: {
          message: 'Maximum number of edits to messages older than 1 hour reached. Try again later.',
          code: 30046,
        },
      },
      { ...matcher, method: 'PATCH' },
      times,
    );
  }

  /** The next `times` matching requests never get an answer (until `stop()`); the client's timeout applies. */
  hangNext(options: RequestMatcher & { times?: number } = {}): void {
    const { times = 1, ...matcher } = options;
    this.rest.faults.add({ kind: 'hang' }, matcher, times);
  }

  /**
   * The next `times` matching requests are carried out (a POSTed message is stored, an edit applied) but never
   * answered (until `stop()`): Discord did it, the client never hears back (its timeout applies, or it dies).
   * The call records `fault: 'hold'`, `status: 0`, and the withheld `heldStatus` / `responseBody`.
   */
  holdResponseNext(options: RequestMatcher & { times?: number } = {}): void {
    const { times = 1, ...matcher } = options;
    this.rest.faults.add({ kind: 'hold' }, matcher, times);
  }

  /**
   * The next `times` matching requests are carried out, then answered with `status` (default 502): the client
   * sees a 5xx, which @discordjs/rest retries (also inside jest: it is a status, not a network error). A retried
   * interaction callback then gets 40060, as from Discord. The call shows `fault: 'lostAnswer'`, `heldStatus`.
   */
  loseAnswerNext(options: RequestMatcher & { times?: number; status?: number } = {}): void {
    const { times = 1, status = 502, ...matcher } = options;
    this.rest.faults.add({ kind: 'lostAnswer', status }, matcher, times);
  }

  /** The next `times` matching requests get their TCP connection reset (ECONNRESET) without an answer. */
  dropNext(options: RequestMatcher & { times?: number } = {}): void {
    const { times = 1, ...matcher } = options;
    this.rest.faults.add({ kind: 'drop' }, matcher, times);
  }

  /** Disarms every REST fault. */
  clearFaults(): void {
    this.rest.faults.clear();
  }

  // ── gateway faults ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Drops gateway sockets (all, or those of `shardId` / `sessionId`) with a resumable close code (default 4000), or
   * without a close frame (`abrupt`). Sessions stay resumable. Returns the number of sockets dropped.
   */
  dropConnection(options: SessionFilter & { code?: number; abrupt?: boolean } = {}): number {
    const { code = 4000, abrupt = false, ...filter } = options;
    return this.gateway.drop(filter, code, abrupt);
  }

  /** Sends op 9 INVALID_SESSION (`resumable` is its `d`); a non-resumable one forgets the session. */
  invalidateSession(options: SessionFilter & { resumable: boolean }): number {
    const { resumable, ...filter } = options;
    return this.gateway.invalidateSession(resumable, filter);
  }

  /** Sends op 7 RECONNECT. */
  requestReconnect(filter: SessionFilter = {}): number {
    return this.gateway.requestReconnect(filter);
  }

  /** Whether heartbeats are acknowledged (false simulates a zombie connection). */
  setHeartbeatAcks(enabled: boolean): void {
    this.gateway.ackHeartbeats = enabled;
  }

  private httpOrigin(): string {
    if (!this.origin) throw new Error('FakeDiscord: not started');
    return this.origin;
  }

  private wsOrigin(): string {
    return this.httpOrigin().replace(/^http/, 'ws');
  }
}
