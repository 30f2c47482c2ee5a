import { channelFromConfig, type ChannelModel } from './model';
import { apiChannel } from './payloads';
import { THREAD_TYPES } from './permissions';
import type { FakeDiscordState } from './state';
import type { FakeChannelConfig, FakeOverwriteConfig } from './types';

/** Sends a dispatch to the session owning a guild, when one does (no session: nothing to tell). */
export type GuildDispatch = (guildId: string, t: string, d: unknown) => void;

/**
 * Channel changes made while the app runs, told to its gateway session as Discord does (CHANNEL_CREATE /
 * THREAD_CREATE, CHANNEL_UPDATE, CHANNEL_DELETE / THREAD_DELETE), so a discord.js cache follows them.
 */
export class GuildChannels {
  constructor(
    private readonly state: FakeDiscordState,
    private readonly dispatch: GuildDispatch,
  ) {}

  /** Adds (or replaces) a channel or thread of a guild. */
  add(guildId: string, config: FakeChannelConfig): ChannelModel {
    const guild = this.state.requireGuild(guildId);
    const owner = this.state.channel(config.id);
    if (owner && owner.guild.id !== guildId)
      throw new Error(`FakeDiscord: channel ${config.id} already belongs to guild ${owner.guild.id}`);
    const channel = channelFromConfig(guildId, config, owner?.channel.position ?? guild.channels.size);
    if (THREAD_TYPES.has(channel.type) && !(channel.parentId && guild.channels.has(channel.parentId)))
      throw new Error(`FakeDiscord: thread ${channel.id} needs a parentId of guild ${guildId}`);
    guild.channels.set(channel.id, channel);
    const thread = THREAD_TYPES.has(channel.type);
    const event = owner
      ? thread
        ? 'THREAD_UPDATE'
        : 'CHANNEL_UPDATE'
      : thread
        ? 'THREAD_CREATE'
        : 'CHANNEL_CREATE';
    this.dispatch(guildId, event, {
      ...apiChannel(channel),
      ...(thread && !owner ? { newly_created: true } : {}),
    });
    return channel;
  }

  /** Replaces a channel's permission overwrites (CHANNEL_UPDATE). */
  setOverwrites(channelId: string, overwrites: FakeOverwriteConfig[]): void {
    const found = this.require(channelId);
    this.add(found.guild.id, {
      id: found.channel.id,
      name: found.channel.name,
      type: found.channel.type,
      ...(found.channel.parentId ? { parentId: found.channel.parentId } : {}),
      ...(found.channel.topic ? { topic: found.channel.topic } : {}),
      permissionOverwrites: overwrites,
      archived: found.channel.archived,
      locked: found.channel.locked,
    });
  }

  /** Archives / locks (or reopens) a thread (THREAD_UPDATE), as a moderator or Discord's auto-archive would. */
  setThreadState(threadId: string, change: { archived?: boolean; locked?: boolean }): void {
    const found = this.require(threadId);
    if (!THREAD_TYPES.has(found.channel.type)) throw new Error(`FakeDiscord: ${threadId} is not a thread`);
    this.add(found.guild.id, {
      id: found.channel.id,
      name: found.channel.name,
      type: found.channel.type,
      ...(found.channel.parentId ? { parentId: found.channel.parentId } : {}),
      archived: change.archived ?? found.channel.archived,
      locked: change.locked ?? found.channel.locked,
    });
  }

  /** Deletes a channel (its messages stay in the store, as records of what was posted). */
  remove(channelId: string): void {
    const { guild, channel } = this.require(channelId);
    guild.channels.delete(channelId);
    const thread = THREAD_TYPES.has(channel.type);
    this.dispatch(
      guild.id,
      thread ? 'THREAD_DELETE' : 'CHANNEL_DELETE',
      thread
        ? { id: channel.id, guild_id: guild.id, parent_id: channel.parentId, type: channel.type }
        : apiChannel(channel),
    );
  }

  private require(channelId: string) {
    const found = this.state.channel(channelId);
    if (!found) throw new Error(`FakeDiscord: unknown channel ${channelId}`);
    return found;
  }
}
