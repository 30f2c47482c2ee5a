import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionContextType,
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIInteractionDataResolved,
  type APIMessage,
} from 'discord-api-types/v10';
import type { ChannelModel, GuildModel, MemberModel } from './model';
import { apiChannel, apiInteractionMember, apiRole, apiUser } from './payloads';
import { channelPermissions, memberPermissionsIn } from './permissions';
import type { FakeDiscordState } from './state';
import type { SlashCommandInput } from './types';

type Option = APIApplicationCommandInteractionDataOption;
type OptionValue = string | number | boolean;

/** Where an interaction happens, resolved against the fake's state (throws on unknown guild/channel/member). */
export interface InteractionScene {
  guild: GuildModel;
  channel: ChannelModel;
  member: MemberModel;
}

/** Resolves the scene of an interaction, with errors that name what is missing. */
export function resolveScene(
  state: FakeDiscordState,
  input: { guildId: string; channelId: string; userId: string },
): InteractionScene {
  const guild = state.requireGuild(input.guildId);
  const channel = guild.channels.get(input.channelId);
  if (!channel) throw new Error(`FakeDiscord: guild ${guild.id} has no channel ${input.channelId}`);
  const member = guild.members.get(input.userId);
  if (!member) throw new Error(`FakeDiscord: user ${input.userId} is not a member of guild ${guild.id}`);
  return { guild, channel, member };
}

/** The fields every guild interaction carries (what discord.js needs so it neither crashes nor loses data). */
export function baseInteraction(
  state: FakeDiscordState,
  scene: InteractionScene,
  ids: { id: string; token: string },
  locale?: string,
) {
  const { guild, channel, member } = scene;
  const bot = guild.members.get(state.bot.id);
  // Discord: "permissions the app has within the channel the interaction was sent from" (overwrites included).
  const appPermissions = bot ? channelPermissions(guild, bot, channel) : 0n;
  const memberPermissions = memberPermissionsIn(guild, member, channel).toString();
  return {
    id: ids.id,
    token: ids.token,
    application_id: state.settings.applicationId,
    version: 1 as const,
    guild_id: guild.id,
    guild: { id: guild.id, locale: guild.locale, features: [] },
    channel_id: channel.id,
    channel: { ...apiChannel(channel), permissions: memberPermissions },
    member: apiInteractionMember(guild, member, state.requireUser(member.userId), channel),
    app_permissions: appPermissions.toString(),
    locale: locale ?? 'en-US',
    guild_locale: guild.locale,
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10_485_760,
  };
}

function inferType(value: OptionValue): ApplicationCommandOptionType {
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? ApplicationCommandOptionType.Integer
      : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

function definitionsAt(
  command: APIApplicationCommand | undefined,
  path: string[],
): APIApplicationCommandOption[] {
  let options = command?.options ?? [];
  for (const name of path) {
    const next = options.find((option) => option.name === name);
    options =
      next && 'options' in next && Array.isArray(next.options)
        ? (next.options as APIApplicationCommandOption[])
        : [];
  }
  return options;
}

/** Adds the `resolved` entry Discord sends for user, channel, role and mentionable options. */
function resolve(
  scene: InteractionScene,
  state: FakeDiscordState,
  type: ApplicationCommandOptionType,
  id: string,
  resolved: APIInteractionDataResolved,
): void {
  const user =
    type === ApplicationCommandOptionType.User || type === ApplicationCommandOptionType.Mentionable
      ? state.users.get(id)
      : undefined;
  if (user) {
    (resolved.users ??= {})[id] = apiUser(user);
    const member = scene.guild.members.get(id);
    if (member) {
      const { user: _user, ...fields } = apiInteractionMember(scene.guild, member, user, scene.channel);
      (resolved.members ??= {})[id] = fields;
    }
  }
  const role =
    type === ApplicationCommandOptionType.Role || type === ApplicationCommandOptionType.Mentionable
      ? scene.guild.roles.get(id)
      : undefined;
  if (role) (resolved.roles ??= {})[id] = apiRole(role);
  // Discord resolves only channels of the guild the interaction is in.
  const channel = type === ApplicationCommandOptionType.Channel ? scene.guild.channels.get(id) : undefined;
  if (channel) {
    (resolved.channels ??= {})[id] = {
      id: channel.id,
      name: channel.name,
      type: channel.type,
      permissions: memberPermissionsIn(scene.guild, scene.member, channel).toString(),
    } as NonNullable<APIInteractionDataResolved['channels']>[string];
  }
}

/**
 * Builds `data.options` (+ `resolved`) from name → value pairs, taking option types from the registered command
 * when there is one, and wrapping them in the subcommand (group). Raw options pass through untouched.
 */
export function buildOptions(
  state: FakeDiscordState,
  scene: InteractionScene,
  input: SlashCommandInput & { focused?: string },
  command: APIApplicationCommand | undefined,
): { options: Option[]; resolved?: APIInteractionDataResolved } {
  const path = [input.subcommandGroup, input.subcommand].filter((name): name is string => name !== undefined);
  const resolved: APIInteractionDataResolved = {};
  let leaf: Option[];
  if (Array.isArray(input.options)) {
    leaf = input.options;
  } else {
    const definitions = definitionsAt(command, path);
    leaf = Object.entries(input.options ?? {}).map(([name, value]) => {
      const type = definitions.find((definition) => definition.name === name)?.type ?? inferType(value);
      resolve(scene, state, type, String(value), resolved);
      const focused = input.focused === name ? { focused: true } : {};
      return { name, type, value, ...focused } as Option;
    });
  }
  let options = leaf;
  if (input.subcommand)
    options = [
      { name: input.subcommand, type: ApplicationCommandOptionType.Subcommand, options },
    ] as Option[];
  if (input.subcommandGroup) {
    options = [
      { name: input.subcommandGroup, type: ApplicationCommandOptionType.SubcommandGroup, options },
    ] as Option[];
  }
  return Object.keys(resolved).length > 0 ? { options, resolved } : { options };
}

/** `data` of an application command (or autocomplete) interaction. */
export function commandData(
  name: string,
  command: APIApplicationCommand | undefined,
  commandId: string,
  built: ReturnType<typeof buildOptions>,
) {
  return {
    id: command?.id ?? commandId,
    name,
    type: ApplicationCommandType.ChatInput,
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    options: built.options,
    ...(built.resolved ? { resolved: built.resolved } : {}),
  };
}

/** `data` of a button interaction. */
export function buttonData(customId: string) {
  return { custom_id: customId, component_type: ComponentType.Button };
}

/** True when a message (components v1 or v2, nested) has a component with this custom id. */
export function hasComponent(message: APIMessage, customId: string): boolean {
  const visit = (node: unknown): boolean => {
    if (!node || typeof node !== 'object') return false;
    const record = node as Record<string, unknown>;
    if (record.custom_id === customId) return true;
    return ['components', 'accessory'].some((key) => {
      const child = record[key];
      return Array.isArray(child) ? child.some(visit) : visit(child);
    });
  };
  return (message.components ?? []).some(visit);
}
