import {
  ChannelType,
  GatewayIntentBits,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  type APIApplication,
  type ApplicationFlags,
  type GuildMemberFlags,
  type RoleFlags,
  type UserFlags,
  type APIChannel,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIRole,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
} from 'discord-api-types/v10';
import { memberPermissionsIn, THREAD_TYPES } from './permissions';
import {
  interactionPermissions,
  type ChannelModel,
  type GuildModel,
  type MemberModel,
  type RoleModel,
  type UserModel,
} from './model';

type GuildCreateChannels = GatewayGuildCreateDispatchData['channels'];

/** A user object as Discord sends it. */
export function apiUser(user: UserModel): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: null,
    bot: user.bot,
    system: false,
    banner: null,
    accent_color: null,
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    avatar_decoration_data: null,
  };
}

/** A role object. */
export function apiRole(role: RoleModel): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

/** A guild channel object (voice and stage channels get their voice fields, threads their thread fields). */
export function apiChannel(channel: ChannelModel, withGuildId = true): APIChannel {
  const base = {
    id: channel.id,
    name: channel.name,
    position: channel.position,
    permission_overwrites: channel.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
    parent_id: channel.parentId,
    nsfw: false,
    flags: 0,
    ...(withGuildId ? { guild_id: channel.guildId } : {}),
  };
  if (THREAD_TYPES.has(channel.type)) {
    // Threads carry no overwrites of their own (they use the parent's) and no position.
    const { permission_overwrites: _none, position: _position, ...thread } = base;
    return {
      ...thread,
      // GUILD_CREATE `threads` entries carry guild_id, unlike its `channels`.
      guild_id: channel.guildId,
      type: channel.type,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      thread_metadata: {
        archived: channel.archived,
        auto_archive_duration: 1440,
        archive_timestamp: new Date(0).toISOString(),
        locked: channel.locked,
      },
    } as unknown as APIChannel;
  }
  if (channel.type === ChannelType.GuildVoice || channel.type === ChannelType.GuildStageVoice) {
    return {
      ...base,
      type: channel.type,
      bitrate: 64000,
      user_limit: 0,
      rtc_region: null,
      last_message_id: null,
      rate_limit_per_user: 0,
    } as APIChannel;
  }
  if (channel.type === ChannelType.GuildCategory) return { ...base, type: channel.type } as APIChannel;
  return {
    ...base,
    type: channel.type,
    topic: channel.topic,
    last_message_id: null,
    rate_limit_per_user: 0,
    default_auto_archive_duration: 4320,
  } as APIChannel;
}

/** A guild member object (GUILD_CREATE, REST). */
export function apiMember(member: MemberModel, user: UserModel): APIGuildMember {
  return {
    user: apiUser(user),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roles],
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/**
 * The `member` of an interaction: a member plus its permissions as a decimal string — in `channel`, overwrites
 * included, as Discord sends them; guild-level ones when no channel is given.
 */
export function apiInteractionMember(
  guild: GuildModel,
  member: MemberModel,
  user: UserModel,
  channel?: ChannelModel,
): APIInteractionGuildMember {
  const permissions = channel
    ? memberPermissionsIn(guild, member, channel)
    : interactionPermissions(guild, member);
  return { ...apiMember(member, user), permissions: permissions.toString() };
}

/**
 * The GUILD_CREATE payload. Without the GUILD_MEMBERS intent Discord only sends the bot's own member (and voice
 * members), so does the fake: an app must not rely on a full member cache.
 */
export function guildCreatePayload(
  guild: GuildModel,
  intents: number,
  botUserId: string,
  lookupUser: (id: string) => UserModel,
): GatewayGuildCreateDispatchData {
  const everyMember = (intents & GatewayIntentBits.GuildMembers) !== 0;
  const members = [...guild.members.values()].filter((member) => everyMember || member.userId === botUserId);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [...guild.roles.values()].map(apiRole),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: guild.locale as GatewayGuildCreateDispatchData['preferred_locale'],
    max_members: 500000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    hub_type: null,
    incidents_data: null,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: members.map((member) => apiMember(member, lookupUser(member.userId))),
    channels: [...guild.channels.values()]
      .filter((channel) => !THREAD_TYPES.has(channel.type))
      .map((channel) => apiChannel(channel, false)) as GuildCreateChannels,
    threads: [...guild.channels.values()]
      // "All active threads in the guild that the current user has permission to view" (gateway-events, Guild
      // Create): archived threads are not among them.
      .filter((channel) => THREAD_TYPES.has(channel.type) && !channel.archived)
      .map((channel) => apiChannel(channel)) as GatewayGuildCreateDispatchData['threads'],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The READY payload: guilds are unavailable stubs, GUILD_CREATE follows for each. */
export function readyPayload(input: {
  bot: UserModel;
  applicationId: string;
  guildIds: string[];
  sessionId: string;
  resumeGatewayUrl: string;
  shard: [number, number];
}): GatewayReadyDispatchData {
  return {
    v: 10,
    user: { ...apiUser(input.bot), verified: true, mfa_enabled: false, email: null },
    guilds: input.guildIds.map((id) => ({ id, unavailable: true })),
    session_id: input.sessionId,
    resume_gateway_url: input.resumeGatewayUrl,
    shard: input.shard,
    application: { id: input.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
  };
}

/** `GET /applications/@me`. */
export function applicationPayload(
  applicationId: string,
  bot: UserModel,
  guildCount: number,
): APIApplication {
  return {
    id: applicationId,
    name: bot.username,
    icon: null,
    description: 'Fake Discord application',
    bot_public: true,
    bot_require_code_grant: false,
    bot: apiUser(bot),
    owner: apiUser(bot),
    summary: '',
    verify_key: '0'.repeat(64),
    team: null,
    flags: 0 as ApplicationFlags,
    flags_new: '0',
    approximate_guild_count: guildCount,
    approximate_user_install_count: 0,
    redirect_uris: [],
    interactions_endpoint_url: null,
  } as unknown as APIApplication;
}
