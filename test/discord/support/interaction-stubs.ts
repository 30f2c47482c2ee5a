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
