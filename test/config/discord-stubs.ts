import { Logger } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { Collection, PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { Counter, Histogram } from 'prom-client';
import { RoleMappingService } from '../../src/modules/auth';
import { GuildConfigModule, GuildConfigService } from '../../src/modules/config';
import { ConfigAuditLog, ConfigStore } from '../../src/modules/config/config-store.port';
import { MemoryConfigStore } from '../../src/modules/config/persistence/memory-config.store';
import { DiscordMetrics } from '../../src/modules/discord/discord.metrics';
import { CommandAccessService } from '../../src/modules/discord/interaction/command-access.service';
import { SettingsModule, loadSettings } from '../../src/platform/settings';
import { checkAnswer, strictStub } from '../discord/support/interaction-stubs';
import { makeConfigDir } from './support';

export const GUILD = '710000000000000001';
export const CHANNELS = { general: '720000000000000001', alerts: '720000000000000002' };
export const ROLES = {
  teachers: '730000000000000001',
  helpers: '730000000000000002',
  students: '730000000000000003',
};
const ROLE_NAMES: Record<string, string> = {
  [ROLES.teachers]: 'Teachers',
  [ROLES.helpers]: 'Helpers',
  [ROLES.students]: 'Students',
};

/** A member as the stubs present them. */
export interface StubMember {
  userId: string;
  name: string;
  roleIds?: string[];
  permissions?: bigint;
}
export const owner: StubMember = {
  userId: '740000000000000001',
  name: 'Olga',
  permissions: PermissionFlagsBits.Administrator,
};
export const manager: StubMember = {
  userId: '740000000000000002',
  name: 'Mia',
  permissions: PermissionFlagsBits.ManageGuild,
};
export const teacher: StubMember = { userId: '740000000000000003', name: 'Tom', roleIds: [ROLES.teachers] };
export const helper: StubMember = { userId: '740000000000000004', name: 'Hel', roleIds: [ROLES.helpers] };
export const student: StubMember = { userId: '740000000000000005', name: 'Stu', roleIds: [ROLES.students] };

type Method = 'deferReply' | 'reply' | 'editReply' | 'followUp' | 'respond';

let next = 750000000000000000n;

/**
 * A duck-typed discord.js interaction (slash command or autocomplete) with options. Reading a property it does
 * not have throws, so a handler that starts using something new fails here instead of passing by accident.
 */
export class ConfigInteractionStub {
  readonly id = String(next++);
  readonly calls: Array<{ method: Method; payload: any }> = [];
  deferred = false;
  replied = false;
  responded = false;
  readonly channelId = CHANNELS.general;
  readonly guildId: string | null;
  readonly user: { id: string; username: string; globalName: string | null };
  readonly member: { roles: string[]; nick: string | null } | null;
  readonly memberPermissions: PermissionsBitField | null;
  readonly guild: unknown;
  readonly options: {
    getString: (name: string) => string | null;
    getFocused: (full?: boolean) => unknown;
  };

  constructor(
    readonly kind: 'command' | 'autocomplete',
    member: StubMember,
    readonly commandName: string,
    values: Record<string, string> = {},
    extra: { focused?: string; inGuild?: boolean } = {},
  ) {
    const inGuild = extra.inGuild ?? true;
    this.guildId = inGuild ? GUILD : null;
    this.user = { id: member.userId, username: member.name.toLowerCase(), globalName: member.name };
    this.member = inGuild ? { roles: member.roleIds ?? [], nick: member.name } : null;
    this.memberPermissions = inGuild
      ? new PermissionsBitField((member.permissions ?? 0n) | PermissionFlagsBits.SendMessages)
      : null;
    const role = (id: string) => ({ id, name: ROLE_NAMES[id] });
    this.guild = {
      id: GUILD,
      roles: { cache: new Collection(Object.keys(ROLE_NAMES).map((id) => [id, role(id)])) },
      channels: {
        cache: new Collection(
          Object.entries(CHANNELS).map(([name, id]) => [id, { id, name, isTextBased: () => true }]),
        ),
      },
    };
    this.options = {
      getString: (name) => values[name] ?? null,
      getFocused: (full) => {
        const name = extra.focused ?? '';
        return full ? { name, value: values[name] ?? '' } : (values[name] ?? '');
      },
    };
    return strictStub(this, 'ConfigInteractionStub');
  }

  isAutocomplete(): boolean {
    return this.kind === 'autocomplete';
  }
  isButton(): boolean {
    return false;
  }
  isChatInputCommand(): boolean {
    return this.kind === 'command';
  }
  inGuild(): boolean {
    return this.guildId !== null;
  }

  private record(method: Method, payload: unknown): void {
    this.calls.push({ method, payload });
    checkAnswer(this, method, `ConfigInteractionStub ${this.commandName}`);
  }
  async deferReply(payload: unknown): Promise<void> {
    this.record('deferReply', payload);
    this.deferred = true;
  }
  async reply(payload: unknown): Promise<void> {
    this.record('reply', payload);
    this.replied = true;
  }
  async editReply(payload: unknown): Promise<void> {
    this.record('editReply', payload);
    this.replied = true;
  }
  async followUp(payload: unknown): Promise<void> {
    this.record('followUp', payload);
  }
  async respond(choices: unknown): Promise<void> {
    this.record('respond', choices);
    this.responded = true;
  }

  payloads(method: Method): any[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.payload);
  }

  get asAny(): any {
    return this;
  }
}

/** The real config service on a memory store, plus the Discord module's real access check over it. */
export async function configFixture() {
  const dir = makeConfigDir();
  const store = new MemoryConfigStore();
  const moduleRef = await Test.createTestingModule({
    imports: [
      SettingsModule.forRoot(loadSettings({ CONFIG_DIR: dir.dir, NODE_ENV: 'test' })),
      EventEmitterModule.forRoot(),
      GuildConfigModule,
    ],
  })
    .overrideProvider(ConfigStore)
    .useValue(store)
    .compile();
  Logger.overrideLogger(false);
  await moduleRef.init();
  const config = moduleRef.get(GuildConfigService);
  const access = new CommandAccessService(config, new RoleMappingService(config));
  const counter = new Counter({
    name: 'stub',
    help: 'stub',
    labelNames: ['kind', 'command', 'outcome'],
    registers: [],
  });
  const metrics = new DiscordMetrics(
    counter,
    new Counter({ name: 'r', help: 'r', labelNames: ['scope'], registers: [] }),
    new Histogram({ name: 'ack', help: 'ack', labelNames: ['kind'], registers: [] }),
  );
  return {
    config,
    store,
    audit: moduleRef.get(ConfigAuditLog),
    access,
    metrics,
    counter,
    close: async () => {
      await moduleRef.close();
      dir.cleanup();
    },
  };
}
