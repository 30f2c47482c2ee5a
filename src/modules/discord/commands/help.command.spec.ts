import { MessageFlags } from 'discord.js';
import type { CommandsService } from 'necord';
import {
  StubInteraction,
  roleMapping,
  stubConfigService,
  testCounter,
  vic,
  testHistogram,
} from '../../../../test/discord/support/interaction-stubs';
import { DiscordMetrics } from '../discord.metrics';
import { CommandAccessService } from '../interaction/command-access.service';
import { CommandVersion } from '../interaction/command-version.decorator';
import { HelpCommand } from './help.command';
import { MeetingCommands } from './meeting.commands';

class LegacyCommands {
  @CommandVersion('2.1.0', { since: '2.1.0', note: 'use /kaltura-start' })
  old(): void {}
  plain(): void {}
}

const discovery = (json: object, handler: unknown, slash = true) => ({
  isSlashCommand: () => slash,
  toJSON: () => json,
  getHandler: () => handler,
});

describe('HelpCommand', () => {
  const commands = {
    getCommands: () => [
      discovery(
        {
          name: 'kaltura-start',
          description: 'Start',
          options: [
            { name: 'type', required: true },
            { name: 'title', required: true },
            { name: 'description' },
          ],
        },
        MeetingCommands.prototype.start,
      ),
      discovery({ name: 'kaltura-old', description: 'Old' }, LegacyCommands.prototype.old),
      discovery({ name: 'kaltura-config-view', description: 'View config' }, LegacyCommands.prototype.plain),
      discovery({ name: 'Some context menu' }, undefined, false),
    ],
  } as unknown as CommandsService;
  const config = stubConfigService();
  const help = new HelpCommand(
    commands,
    new CommandAccessService(config, roleMapping(config)),
    new DiscordMetrics(
      testCounter('i', ['kind', 'command', 'outcome']),
      testCounter('r', ['scope']),
      testHistogram(),
    ),
  );

  it('lists every registered slash command (config commands included) with versions and deprecations', () => {
    expect(help.entries()).toEqual([
      {
        name: 'kaltura-start',
        description: 'Start',
        options: [
          { name: 'type', required: true },
          { name: 'title', required: true },
          { name: 'description', required: false },
        ],
        version: { version: '1.0.0' },
      },
      {
        name: 'kaltura-old',
        description: 'Old',
        options: [],
        version: { version: '2.1.0', deprecated: { since: '2.1.0', note: 'use /kaltura-start' } },
      },
      { name: 'kaltura-config-view', description: 'View config', options: [], version: undefined },
    ]);
  });

  it('answers ephemerally with the help embed', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-help');
    await help.help([interaction.asAny]);
    expect(interaction.calls[0].payload).toEqual({ flags: MessageFlags.Ephemeral });
    const text = interaction.payloads('editReply')[0].embeds[0].description;
    expect(text).toContain('`/kaltura-start <type> <title> [description]` · v1.0.0');
    expect(text).toContain('⚠️ Deprecated since v2.1.0: use /kaltura-start');
    expect(text).toContain('`/kaltura-config-view` · unversioned');
  });
});
