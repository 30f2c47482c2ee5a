import { Injectable, UseInterceptors } from '@nestjs/common';
import {
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { Context, Options, SlashCommand, type SlashCommandContext } from 'necord';
import { ValidationFailedError } from '../../../platform/errors';
import { cutForDiscord } from '../../../platform/text';
import { CONFIG_SECTIONS, GuildConfigService, patchFor, resolveKey, sectionKeys } from '../../config';
import { DiscordMetrics } from '../discord.metrics';
import { CommandVersion } from '../interaction/command-version.decorator';
import { ConfigAdminAccess, discordActor } from './config-admin.access';
import { ConfigResetOptions, ConfigUpdateOptions, ConfigViewOptions } from './config-command.options';
import { resetNotConfirmedReply, resetReply, updateReply, viewReply } from './config-replies';
import { ConfigUpdateAutocomplete } from './config-update.autocomplete';
import { normalizeKey, parseConfigValue } from './config-value.parser';
import { deferEphemeral } from '../interaction/acknowledge';

/** Command names (fixed public names: docs/architecture.md). */
export const CONFIG_COMMANDS = {
  view: 'kaltura-config-view',
  update: 'kaltura-config-update',
  reset: 'kaltura-config-reset',
} as const;

const IN_GUILDS = {
  contexts: [InteractionContextType.Guild],
  integrationTypes: [ApplicationIntegrationType.GuildInstall],
  // Shown by default to members with Manage Server only (application-commands.mdx, default_member_permissions);
  // guild admins can grant more in Server Settings → Integrations. The check in code (ConfigAdminAccess) stays:
  // this is a display default that guilds can change, not a security boundary.
  defaultMemberPermissions: PermissionFlagsBits.ManageGuild,
};

/**
 * `/kaltura-config-view`, `/kaltura-config-update`, `/kaltura-config-reset`: a thin transport over
 * `GuildConfigService`, for the guild's admins only. Each acknowledges first (ephemeral defer), then checks
 * the member, then acts; refusals and errors become ephemeral answers in the Discord module's filter.
 */
@Injectable()
export class ConfigCommands {
  constructor(
    private readonly config: GuildConfigService,
    private readonly admins: ConfigAdminAccess,
    private readonly metrics: DiscordMetrics,
  ) {}

  @CommandVersion('1.0.0')
  @SlashCommand({
    name: CONFIG_COMMANDS.view,
    description: "Show this server's Kaltura settings, each marked default or override (admins)",
    ...IN_GUILDS,
  })
  async view(
    @Context() [interaction]: SlashCommandContext,
    @Options() options: ConfigViewOptions,
  ): Promise<void> {
    await deferEphemeral(interaction);
    const admin = await this.admins.authorize(interaction, CONFIG_COMMANDS.view);
    await interaction.editReply(
      viewReply(await this.config.view(admin.facts.guildId, options.section ?? null)),
    );
    this.metrics.interaction('command', CONFIG_COMMANDS.view, 'ok');
  }

  @CommandVersion('1.0.0')
  @UseInterceptors(ConfigUpdateAutocomplete)
  @SlashCommand({
    name: CONFIG_COMMANDS.update,
    description: 'Change one Kaltura setting of this server (admins)',
    ...IN_GUILDS,
  })
  async update(
    @Context() [interaction]: [ChatInputCommandInteraction | AutocompleteInteraction],
    @Options() options: ConfigUpdateOptions,
  ): Promise<void> {
    if (interaction.isAutocomplete()) return; // answered by ConfigUpdateAutocomplete
    await deferEphemeral(interaction);
    const admin = await this.admins.authorize(interaction, CONFIG_COMMANDS.update);
    if (!(CONFIG_SECTIONS as readonly string[]).includes(options.section)) {
      throw new ValidationFailedError([
        { field: 'section', message: `must be one of ${CONFIG_SECTIONS.join(', ')}` },
      ]);
    }
    const key = normalizeKey(options.section, options.key);
    const setting = resolveKey(options.section, key, admin.config);
    if (!setting) {
      const examples = sectionKeys(options.section, admin.config)
        .slice(0, 5)
        .map((k) => k.key);
      const hint = options.section === 'roles' ? 'mapping.<role id or name>' : examples.join(', ');
      throw new ValidationFailedError(
        [{ field: 'key', message: `not a setting of ${options.section}` }],
        `\`${cutForDiscord(key, 100)}\` is not a setting of ${options.section}. Pick one from the list (e.g. ${hint}).`,
      );
    }
    const value = parseConfigValue(setting, options.value);
    const result = await this.config.update(
      admin.facts.guildId,
      patchFor(setting, value),
      discordActor(admin),
    );
    await interaction.editReply(updateReply(setting.path.join('.'), result));
    this.metrics.interaction('command', CONFIG_COMMANDS.update, 'ok');
  }

  @CommandVersion('1.0.0')
  @SlashCommand({
    name: CONFIG_COMMANDS.reset,
    description: 'Reset a section (or all) of this server’s Kaltura settings to the defaults (admins)',
    ...IN_GUILDS,
  })
  async reset(
    @Context() [interaction]: SlashCommandContext,
    @Options() options: ConfigResetOptions,
  ): Promise<void> {
    await deferEphemeral(interaction);
    const admin = await this.admins.authorize(interaction, CONFIG_COMMANDS.reset);
    if (options.confirm !== true) {
      await interaction.editReply(resetNotConfirmedReply(options.section));
      this.metrics.interaction('command', CONFIG_COMMANDS.reset, 'refused');
      return;
    }
    const result = await this.config.reset(admin.facts.guildId, options.section, discordActor(admin));
    await interaction.editReply(resetReply(options.section, result));
    this.metrics.interaction('command', CONFIG_COMMANDS.reset, 'ok');
  }
}
