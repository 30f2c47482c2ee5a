import { Injectable } from '@nestjs/common';
import { ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import { CommandsService, Context, SlashCommand, type SlashCommandContext } from 'necord';
import { DiscordMetrics } from '../discord.metrics';
import { CommandAccessService } from '../interaction/command-access.service';
import { CommandVersion, commandVersionOf } from '../interaction/command-version.decorator';
import { helpReply, type HelpEntry } from '../messages/help-reply';
import { deferEphemeral } from '../interaction/acknowledge';

/** `/kaltura-help`: every command the bot registered (config commands included), with versions. */
@Injectable()
export class HelpCommand {
  constructor(
    private readonly commands: CommandsService,
    private readonly access: CommandAccessService,
    private readonly metrics: DiscordMetrics,
  ) {}

  @CommandVersion('1.0.0')
  @SlashCommand({
    name: 'kaltura-help',
    description: 'List the Kaltura commands, their options and versions',
    contexts: [InteractionContextType.Guild],
    integrationTypes: [ApplicationIntegrationType.GuildInstall],
  })
  async help(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await deferEphemeral(interaction);
    await this.access.authorize(interaction, 'kaltura-help');
    await interaction.editReply(helpReply(this.entries()));
    this.metrics.interaction('command', 'kaltura-help', 'ok');
  }

  /** The registered slash commands as help lists them. */
  entries(): HelpEntry[] {
    return this.commands
      .getCommands()
      .filter((command) => command.isSlashCommand())
      .map((command) => {
        const json = command.toJSON() as {
          name: string;
          description?: string;
          options?: Array<{ name: string; required?: boolean }>;
        };
        return {
          name: json.name,
          description: json.description ?? '',
          options: (json.options ?? []).map((o) => ({ name: o.name, required: o.required === true })),
          version: commandVersionOf(command.getHandler()),
        };
      });
  }
}
