import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createCache } from 'cache-manager';
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { Keyv } from 'keyv';
import { Counter, Histogram } from 'prom-client';
import { RoleMappingService } from '../../../src/modules/auth';
import type { GuildConfig, GuildConfigService } from '../../../src/modules/config';
import { UnverifiedChannelAccess } from '../../../src/modules/channels';
import {
  CommandBudget,
  InMemoryMeetingRepository,
  MeetingCommandPolicy,
  MeetingLimits,
  MeetingsService,
  MemoryStartDeduplicator,
} from '../../../src/modules/meetings';
import { KalturaSandboxAdapter } from '../../../src/modules/kaltura';
import { loadSettings } from '../../../src/platform/settings';

export const GUILD = '100000000000000001';
export const CHANNEL = '200000000000000001';
export const HOSTS_ROLE = '500000000000000001';

/** A member as the stub interactions present it. */
export interface StubMember {
  userId: string;
  displayName: string;
  roleIds?: string[];
  manageGuild?: boolean;
}

export const hana: StubMember = { userId: '300000000000000001', displayName: 'Hana', roleIds: [HOSTS_ROLE] };
export const vic: StubMember = { userId: '300000000000000002', displayName: 'Vic' };
export const ada: StubMember = { userId: '300000000000000003', displayName: 'Ada', manageGuild: true };

/** One call the handler made on the interaction. */
export interface StubCall {
  method: 'deferReply' | 'reply' | 'editReply' | 'followUp' | 'respond';
  payload: any;
}

/**
 * Mistakes a handler makes on an interaction that Discord (or discord.js) refuses: answering twice (40060 /
 * InteractionAlreadyReplied), editing or following up before answering (InteractionNotReplied), answering an
 * autocomplete with a message or a command with choices, or using a member the stub does not plan for. Each is
 * thrown at the handler, as discord.js would, and also collected here, so a handler that swallows the error
 * still fails its test: every spec that imports the stubs gets an `afterEach` that fails on collected mistakes.
 */
const violations: string[] = [];

/** Records a mistake and returns the error to throw at the handler. */
export function stubViolation(message: string): Error {
  violations.push(message);
  return new Error(message);
}

/** Takes the mistakes collected so far (for a spec that asserts a mistake is caught). */
export function takeStubViolations(): string[] {
  return violations.splice(0);
}

if (typeof afterEach === 'function') {
  afterEach(() => {
    const found = takeStubViolations();
    if (found.length > 0) throw new Error(`Interaction stub misuse:\n- ${found.join('\n- ')}`);
  });
}

/** Properties jest and Node inspect on any object (matchers, promises, printing). */
export const INSPECTED = new Set(['then', 'asymmetricMatch', '$$typeof', 'nodeType', 'toJSON', 'tagName']);

/** Wraps a stub so reading a member it does not define is a mistake (thrown and collected). */
export function strictStub<T extends object>(stub: T, label: string): T {
  return new Proxy(stub, {
    get(target, prop, receiver) {
      if (typeof prop === 'symbol' || prop in target || INSPECTED.has(prop)) {
        return Reflect.get(target, prop, receiver);
      }
      throw stubViolation(`${label}: unplanned access to interaction.${String(prop)}`);
    },
  });
}

/**
 * The acknowledgement rules discord.js and Discord apply: one first answer (reply, deferReply or respond) of the
 * kind the interaction takes; editReply and followUp only after it.
 */
export function checkAnswer(
  stub: { deferred: boolean; replied: boolean; responded: boolean; kind: string },
  method: StubCall['method'],
  label: string,
): void {
  const answered = stub.deferred || stub.replied || stub.responded;
  if (method === 'respond') {
    if (stub.kind !== 'autocomplete')
      throw stubViolation(`${label}: respond() on a ${stub.kind} interaction`);
    if (answered) throw stubViolation(`${label}: autocomplete answered twice`);
    return;
  }
  if (stub.kind === 'autocomplete')
    throw stubViolation(`${label}: ${method}() on an autocomplete interaction`);
  if ((method === 'deferReply' || method === 'reply') && answered)
    throw stubViolation(`${label}: ${method}() after the interaction was already answered (answered twice)`);
  if ((method === 'editReply' || method === 'followUp') && !answered)
    throw stubViolation(`${label}: ${method}() before the interaction was answered`);
}

let nextId = 600000000000000000n;
const snowflake = () => String(nextId++);

/**
 * A duck-typed discord.js interaction with what the handlers use: identity, member roles and permissions, the
 * reply methods (recorded in `calls`), and failure switches. Typed `any` where it stands in for discord.js.
 */
export class StubInteraction {
  readonly id = snowflake();
  /** When Discord created it (the snowflake's time in discord.js): now, unless a test says otherwise. */
  createdTimestamp = Date.now();
  readonly calls: StubCall[] = [];
  deferred = false;
  replied = false;
  responded = false;
  ephemeral: boolean | null = null;
  readonly guildId: string | null;
  readonly channelId = CHANNEL;
  readonly user: { id: string; username: string; globalName: string | null };
  readonly member: { roles: string[]; nick: string | null } | null;
  readonly guild = { roles: { cache: new Map([[HOSTS_ROLE, { name: 'Hosts' }]]) } };
  readonly memberPermissions: PermissionsBitField;
  /** The bot's permissions in the channel (`app_permissions`): it may see and post there unless a test says not. */
  appPermissions = new PermissionsBitField(
    PermissionFlagsBits.ViewChannel |
      PermissionFlagsBits.SendMessages |
      PermissionFlagsBits.SendMessagesInThreads,
  );
  /** The cached channel (discord.js: null when not cached); a test may set a thread's facts. */
  channel: { isThread(): boolean; archived?: boolean; locked?: boolean } | null = null;
  readonly options: { getFocused: () => string };
  /** Methods that reject the next time they are called. */
  readonly failNext = new Map<StubCall['method'], Error>();

  constructor(
    readonly kind: 'command' | 'button' | 'autocomplete',
    member: StubMember,
    readonly name: string,
    extra: { focused?: string; inGuild?: boolean } = {},
  ) {
    const inGuild = extra.inGuild ?? true;
    this.guildId = inGuild ? GUILD : null;
    this.user = { id: member.userId, username: member.displayName.toLowerCase(), globalName: null };
    this.member = inGuild ? { roles: member.roleIds ?? [], nick: member.displayName } : null;
    this.memberPermissions = new PermissionsBitField(
      member.manageGuild
        ? PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages
        : PermissionFlagsBits.SendMessages,
    );
    this.options = { getFocused: () => extra.focused ?? '' };
    return strictStub(this, 'StubInteraction');
  }

  get commandName(): string | undefined {
    return this.kind === 'button' ? undefined : this.name;
  }
  get customId(): string | undefined {
    return this.kind === 'button' ? this.name : undefined;
  }
  isAutocomplete(): boolean {
    return this.kind === 'autocomplete';
  }
  isButton(): boolean {
    return this.kind === 'button';
  }
  isChatInputCommand(): boolean {
    return this.kind === 'command';
  }
  isRepliable(): boolean {
    return this.kind !== 'autocomplete';
  }

  private record(method: StubCall['method'], payload: unknown): void {
    this.calls.push({ method, payload });
    checkAnswer(this, method, `StubInteraction ${this.name}`);
    const failure = this.failNext.get(method);
    if (failure) {
      this.failNext.delete(method);
      throw failure;
    }
  }

  async deferReply(payload: { flags?: number } = {}): Promise<void> {
    this.record('deferReply', payload);
    this.deferred = true;
    this.ephemeral = ((payload.flags ?? 0) & 64) !== 0;
  }
  async reply(payload: unknown): Promise<void> {
    this.record('reply', payload);
    this.replied = true;
  }
  async editReply(payload: unknown): Promise<{ id: string; channelId: string }> {
    this.record('editReply', payload);
    this.replied = true;
    return { id: snowflake(), channelId: CHANNEL };
  }
  async followUp(payload: unknown): Promise<{ id: string; channelId: string }> {
    this.record('followUp', payload);
    return { id: snowflake(), channelId: CHANNEL };
  }
  async respond(choices: unknown): Promise<void> {
    this.record('respond', choices);
    this.responded = true;
  }

  /** The payloads of one method, in order. */
  payloads(method: StubCall['method']): any[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.payload);
  }

  /** Stands in for a discord.js interaction. */
  get asAny(): any {
    return this;
  }
}

/** The shipped default configuration, changed by `change`. */
export function defaultConfig(change: (config: GuildConfig) => void = () => undefined): GuildConfig {
  const config = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'config', 'default_config.json'), 'utf8'),
  ) as GuildConfig;
  change(config);
  return config;
}

/** A `GuildConfigService` answering `config` for every guild. */
export function stubConfigService(config: GuildConfig = defaultConfig()): GuildConfigService {
  return { get: async () => structuredClone(config) } as unknown as GuildConfigService;
}

export const testCounter = (name: string, labelNames: string[]) =>
  new Counter({ name, help: name, labelNames, registers: [] });

export const testHistogram = (name = 'ack', labelNames = ['kind']) =>
  new Histogram({ name, help: name, labelNames, registers: [] });

/** Budgets and caps that handler tests do not reach (the limits have tests of their own). */
export const ROOMY_LIMITS: GuildConfig['limits'] = {
  commands: { perMember: 1000, perGuild: 1000, windowSeconds: 60 },
  meetings: { activePerHost: 100, activePerGuild: 100 },
};

/**
 * Real meetings use cases over the sandbox Kaltura and memory, as the handlers see them in production; the
 * guild's command rules and limits come from `config` (the shipped defaults with roomy limits unless given).
 */
export function meetingsFixture(
  env: Record<string, string> = {},
  config: GuildConfigService = stubConfigService(defaultConfig((c) => (c.limits = ROOMY_LIMITS))),
) {
  const settings = loadSettings(env);
  const kaltura = new KalturaSandboxAdapter(settings.kaltura);
  const repository = new InMemoryMeetingRepository();
  const service = new MeetingsService(
    repository,
    kaltura,
    new EventEmitter2(),
    createCache({ stores: [new Keyv()] }),
    settings,
    testCounter('c', ['type']),
    testCounter('j', ['role']),
    testCounter('e', ['source']),
    // No Discord here: channel ids are checked for their form only, as with no bot token.
    new UnverifiedChannelAccess(),
    new MeetingCommandPolicy(config),
    new MeetingLimits(
      config,
      repository,
      new CommandBudget(null),
      new MemoryStartDeduplicator(),
      testCounter('l', ['command', 'scope']),
      testCounter('d', []),
    ),
  );
  return { settings, kaltura, service };
}

/** Role mapping over a config service, as the auth module provides it. */
export const roleMapping = (config: GuildConfigService) => new RoleMappingService(config);
