import { ConsoleLogger, Logger } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import {
  ConfigInteractionStub,
  GUILD,
  ROLES,
  configFixture,
  helper,
  manager,
  owner,
  student,
  teacher,
} from '../../../../test/config/discord-stubs';
import { ValidationFailedError } from '../../../platform/errors';
import { GuildOnlyError } from '../interaction/member-facts';
import { CommandForbiddenError } from '../interaction/command-access.service';
import { ConfigAdminAccess, ConfigAdminOnlyError } from './config-admin.access';
import { ConfigCommands } from './config.commands';

type Fixture = Awaited<ReturnType<typeof configFixture>>;

describe('config slash commands', () => {
  let f: Fixture;
  let commands: ConfigCommands;
  const view = (member = manager, section?: string) =>
    new ConfigInteractionStub('command', member, 'kaltura-config-view', section ? { section } : {});
  const update = (member: typeof manager, section: string, key: string, value: string) =>
    new ConfigInteractionStub('command', member, 'kaltura-config-update', { section, key, value });

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  beforeEach(async () => {
    f = await configFixture();
    const admins = new ConfigAdminAccess(f.access);
    commands = new ConfigCommands(f.config, admins, f.metrics);
    // Teachers are mapped admins, Helpers moderators: set up as an admin would.
    await f.config.update(
      GUILD,
      { roles: { mapping: { [ROLES.teachers]: 'admin', Helpers: 'moderator' } } },
      { kind: 'system', id: 'test' },
    );
  });
  afterEach(() => f.close());

  describe('who may use them', () => {
    it.each([
      ['Administrator permission', owner],
      ['Manage Server permission', manager],
      ['a role mapped to admin', teacher],
    ])('lets in a member with %s', async (_why, member) => {
      const interaction = view(member);
      await commands.view([interaction.asAny], {});
      expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply', 'editReply']);
      expect(interaction.calls[0].payload).toEqual({ flags: MessageFlags.Ephemeral });
    });

    it.each([
      ['a role mapped to moderator (by name)', helper],
      ['no mapped role', student],
    ])('refuses a member with %s, for every config command, changing nothing', async (_why, member) => {
      const before = await f.config.view(GUILD);
      const attempts: Array<[string, () => Promise<void>]> = [
        ['view', () => commands.view([view(member).asAny], {})],
        [
          'update',
          () =>
            commands.update([update(member, 'notifications', 'enabled', 'false').asAny], {
              section: 'notifications',
              key: 'enabled',
              value: 'false',
            }),
        ],
        [
          'reset',
          () =>
            commands.reset([new ConfigInteractionStub('command', member, 'kaltura-config-reset').asAny], {
              section: 'all',
              confirm: true,
            }),
        ],
      ];
      for (const [, attempt] of attempts)
        await expect(attempt()).rejects.toBeInstanceOf(ConfigAdminOnlyError);
      expect(await f.config.view(GUILD)).toEqual(before);
    });

    it('refuses outside a server', async () => {
      const interaction = new ConfigInteractionStub(
        'command',
        manager,
        'kaltura-config-view',
        {},
        { inGuild: false },
      );
      await expect(commands.view([interaction.asAny], {})).rejects.toBeInstanceOf(GuildOnlyError);
    });

    it('still applies the command permissions of the guild (a guild may restrict its admins’ roles further)', async () => {
      await f.config.update(
        GUILD,
        { commands: { permissions: { 'kaltura-config-view': ['Nobody'] } } },
        { kind: 'system', id: 'test' },
      );
      await expect(commands.view([view(teacher).asAny], {})).rejects.toBeInstanceOf(CommandForbiddenError);
      // Members who can manage the server are never locked out.
      await commands.view([view(manager).asAny], {});
    });
  });

  describe('/kaltura-config-view', () => {
    it('shows each section with values marked override, without pinging anyone', async () => {
      const interaction = view(manager);
      await commands.view([interaction.asAny], {});
      const [reply] = interaction.payloads('editReply');
      expect(reply.allowedMentions).toEqual({ parse: [] });
      expect(reply.embeds.map((e: { title: string }) => e.title)).toEqual([
        'notifications',
        'commands',
        'roles',
        'features',
        'limits',
      ]);
      const roles = reply.embeds[2].description as string;
      expect(roles).toContain(`\`mapping.${ROLES.teachers}\` \`admin\` · **override**`);
      expect(reply.embeds[0].description).not.toContain('override');
    });

    it('shows one section on request', async () => {
      const interaction = view(manager, 'features');
      await commands.view([interaction.asAny], { section: 'features' });
      expect(interaction.payloads('editReply')[0].embeds.map((e: { title: string }) => e.title)).toEqual([
        'features',
      ]);
    });

    it("shows the guild's admins that its stored settings are broken, before the sections", async () => {
      const other = await configFixture(); // a replica that has not read this guild yet
      try {
        other.store.putRaw(GUILD, '{"roles": ');
        const interaction = view(manager);
        await new ConfigCommands(other.config, new ConfigAdminAccess(other.access), other.metrics).view(
          [interaction.asAny],
          {},
        );
        const [problem, first] = interaction.payloads('editReply')[0].embeds;
        expect(problem.title).toBe('⚠️ Configuration problem');
        expect(problem.description).toMatch(/could not be used\*\* \(unreadable\); running on the defaults/);
        expect(first.title).toBe('notifications');
      } finally {
        await other.close();
      }
    });
  });

  describe('/kaltura-config-update', () => {
    const run = async (member: typeof manager, section: string, key: string, value: string) => {
      const interaction = update(member, section, key, value);
      await commands.update([interaction.asAny], { section: section as never, key, value });
      return interaction;
    };

    it('changes one setting, parsed by its type, audited as the Discord admin', async () => {
      const interaction = await run(teacher, 'notifications', 'types.user_join', 'on');
      expect((await f.config.get(GUILD)).notifications.types.user_join).toBe(true);
      const [reply] = interaction.payloads('editReply');
      expect(reply.content).toContain('Updated `notifications.types.user_join`');
      expect(reply.content).toContain('`false` → `true`');
      const [entry] = await f.audit.list(GUILD, 1);
      expect(entry.actor).toEqual({ kind: 'discord', id: teacher.userId, name: teacher.name });
    });

    it('takes templates with \\n as line breaks, channel mentions as ids, role mentions as ids', async () => {
      await run(manager, 'notifications', 'templates.meeting_end', 'Bye!\\n**{{meeting.title}}** is over');
      await run(manager, 'notifications', 'channels.meeting_end', '<#720000000000000002>');
      await run(manager, 'commands', 'permissions.kaltura-start', `<@&${ROLES.teachers}>, Helpers`);
      await run(manager, 'roles', `mapping.<@&${ROLES.students}>`, 'viewer');
      const config = await f.config.get(GUILD);
      expect(config.notifications.templates.meeting_end).toBe('Bye!\n**{{meeting.title}}** is over');
      expect(config.notifications.channels.meeting_end).toBe('720000000000000002');
      expect(config.commands.permissions['kaltura-start']).toEqual([ROLES.teachers, 'Helpers']);
      expect(config.roles.mapping[ROLES.students]).toBe('viewer');
    });

    it('puts a setting back to its default with "reset", and unmaps a role with "remove"', async () => {
      await run(manager, 'features', 'scheduledEvents', 'true');
      await run(manager, 'features', 'scheduledEvents', 'reset');
      await run(manager, 'roles', 'mapping.Helpers', 'remove');
      const view = await f.config.view(GUILD);
      expect(view.override).toEqual({ roles: { mapping: { [ROLES.teachers]: 'admin' } } });
    });

    it('says so when nothing had to change', async () => {
      const interaction = await run(manager, 'notifications', 'enabled', 'true');
      expect(interaction.payloads('editReply')[0].content).toBe(
        '`notifications.enabled` already has that value: nothing changed.',
      );
    });

    it.each([
      ['an unknown key', 'notifications', 'volume', '11', 'key'],
      ['a value of the wrong type', 'notifications', 'enabled', 'maybe', 'value'],
      ['an unknown role', 'roles', 'mapping.Mods', 'superuser', 'value'],
      [
        'a template with an unknown placeholder',
        'notifications',
        'templates.user_join',
        '{{user.email}}',
        'notifications.templates.user_join',
      ],
      [
        'a channel written with spaces',
        'notifications',
        'channels.default',
        'my channel',
        'notifications.channels.default',
      ],
      ['an unknown section', 'secrets', 'enabled', 'true', 'section'],
      ['a role mapped under __proto__', 'roles', 'mapping.__proto__', 'admin', 'roles.mapping.__proto__'],
      [
        'a role mapped under constructor',
        'roles',
        'mapping.constructor',
        'admin',
        'roles.mapping.constructor',
      ],
      ['a role mapped under prototype', 'roles', 'mapping.prototype', 'admin', 'roles.mapping.prototype'],
    ])('refuses %s, naming what is wrong and writing nothing', async (_what, section, key, value, field) => {
      const before = await f.config.view(GUILD);
      const interaction = update(manager, section, key, value);
      const error = await commands
        .update([interaction.asAny], { section: section as never, key, value })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).errors.map((e) => e.field)).toContain(field);
      expect(await f.config.view(GUILD)).toEqual(before);
      // The refusal is the answer (the exception filter shows it): never an "Updated".
      expect(interaction.payloads('editReply')).toEqual([]);
    });

    it('leaves autocomplete interactions to the autocomplete interceptor', async () => {
      const interaction = new ConfigInteractionStub(
        'autocomplete',
        manager,
        'kaltura-config-update',
        {},
        { focused: 'key' },
      );
      await commands.update([interaction.asAny], {} as never);
      expect(interaction.calls).toEqual([]);
    });
  });

  describe('/kaltura-config-reset', () => {
    const reset = (member: typeof manager, section: string, confirm: boolean) => {
      const interaction = new ConfigInteractionStub('command', member, 'kaltura-config-reset');
      return commands
        .reset([interaction.asAny], { section: section as never, confirm })
        .then(() => interaction);
    };

    it('resets nothing without confirm: True', async () => {
      const interaction = await reset(manager, 'all', false);
      expect(interaction.payloads('editReply')[0].content).toMatch(/^Nothing was reset/);
      expect((await f.config.view(GUILD)).override).not.toEqual({});
    });

    it('resets one section, then everything', async () => {
      await f.config.update(GUILD, { features: { scheduledEvents: true } }, { kind: 'system', id: 'test' });
      const one = await reset(owner, 'features', true);
      expect(one.payloads('editReply')[0].content).toContain(
        '**features** is back to the defaults (1 changed)',
      );
      expect((await f.config.view(GUILD)).override).toEqual({
        roles: { mapping: { [ROLES.teachers]: 'admin', Helpers: 'moderator' } },
      });
      await reset(owner, 'all', true);
      expect((await f.config.view(GUILD)).override).toEqual({});
      const [entry] = await f.audit.list(GUILD, 1);
      expect(entry).toMatchObject({ action: 'reset', actor: { kind: 'discord', id: owner.userId } });
    });
  });
});
