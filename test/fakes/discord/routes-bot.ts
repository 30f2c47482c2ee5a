import { PermissionFlagsBits } from 'discord-api-types/v10';
import { discordError, errors, type RestResponse } from './http';
import { apiChannel, apiMember, apiRole, apiUser, applicationPayload } from './payloads';
import type { ChannelModel, GuildModel } from './model';
import { botChannelRefusal, channelPermissions, postRefusal, THREAD_TYPES } from './permissions';
import type { Route, RouteContext } from './rest-server';
import { checkComponentsV2 } from './callback-rules';
import { validateCommands, validateMessageBody } from './validation';

type Body = Record<string, unknown>;
const ok = (body: unknown, status = 200): RestResponse => ({ status, body });
const asBody = (body: unknown): Body =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};

function gatewayBot(ctx: RouteContext): RestResponse {
  const { recommendedShards, maxConcurrency } = ctx.state.settings;
  return ok({
    url: ctx.gatewayUrl,
    shards: recommendedShards,
    session_start_limit: {
      total: 1000,
      remaining: 999,
      reset_after: 14_400_000,
      max_concurrency: maxConcurrency,
    },
  });
}

function usersMe(ctx: RouteContext): RestResponse {
  if (ctx.bearerUserId === null) return ok({ ...ctx.state.botUser(), verified: true, mfa_enabled: false });
  const user = ctx.state.users.get(ctx.bearerUserId);
  return user
    ? ok({ ...apiUser(user), locale: 'en-US', mfa_enabled: false, premium_type: 0 })
    : errors.unknownUser();
}

function commandsScope(ctx: RouteContext): { guildId: string | undefined } | RestResponse {
  if (ctx.params.app !== ctx.state.settings.applicationId)
    return discordError(404, 10002, 'Unknown Application');
  const guildId = ctx.params.guild;
  if (guildId !== undefined && !ctx.state.guilds.has(guildId))
    return discordError(403, 50001, 'Missing Access');
  return { guildId };
}

function putCommands(ctx: RouteContext): RestResponse {
  const scope = commandsScope(ctx);
  if ('status' in scope) return scope;
  const invalid = ctx.state.settings.validate ? validateCommands(ctx.body) : null;
  if (invalid) return { status: 400, body: invalid };
  return ok(ctx.state.overwriteCommands(scope.guildId, ctx.body as Body[]));
}

function postCommand(ctx: RouteContext): RestResponse {
  const scope = commandsScope(ctx);
  if ('status' in scope) return scope;
  const body = asBody(ctx.body);
  const invalid = ctx.state.settings.validate ? validateCommands([body]) : null;
  if (invalid) return { status: 400, body: invalid };
  const others = ctx.state
    .commandsFor(scope.guildId)
    .filter((c) => !(c.name === body.name && c.type === ((body.type as number | undefined) ?? 1)));
  const stored = ctx.state.overwriteCommands(scope.guildId, [...(others as unknown as Body[]), body]);
  return ok(stored[stored.length - 1], 201);
}

function getCommands(ctx: RouteContext): RestResponse {
  const scope = commandsScope(ctx);
  return 'status' in scope ? scope : ok(ctx.state.commandsFor(scope.guildId));
}

function withGuild(handler: (ctx: RouteContext, guildId: string) => RestResponse) {
  return (ctx: RouteContext): RestResponse =>
    ctx.state.guilds.has(ctx.params.guild) ? handler(ctx, ctx.params.guild) : errors.unknownGuild();
}

function guildMember(ctx: RouteContext, guildId: string): RestResponse {
  const member = ctx.state.guilds.get(guildId)?.members.get(ctx.params.user);
  const user = ctx.state.users.get(ctx.params.user);
  return member && user ? ok(apiMember(member, user)) : errors.unknownMember();
}

/**
 * `POST /channels/{id}/messages`. With `enforce_nonce: true` and a `nonce`, a message the bot created with the same
 * nonce in the last `nonceWindowMs` is returned (200) and nothing new is created, as Discord does.
 */
function createMessage(ctx: RouteContext): RestResponse {
  const found = ctx.state.channel(ctx.params.channel);
  if (!found) return errors.unknownChannel();
  const refused = postRefusal(found.guild, ctx.state.bot.id, found.channel);
  if (refused) return refused;
  const body = asBody(ctx.body);
  const invalid = ctx.state.settings.validate
    ? (validateMessageBody(body, true, ctx.files.length) ?? checkComponentsV2(body))
    : null;
  if (invalid) return { status: 400, body: invalid };
  const archived = archivedThreadRefusal(ctx, found.guild, found.channel);
  if (archived) return archived;
  const nonce = body.nonce;
  if (body.enforce_nonce === true && (typeof nonce === 'string' || typeof nonce === 'number')) {
    const earlier = ctx.state.messages.byNonce(ctx.state.bot.id, nonce, ctx.state.settings.nonceWindowMs);
    if (earlier) return ok(earlier.message);
  }
  return ok(ctx.state.messages.create(ctx.params.channel, body, { files: ctx.files }).message);
}

/**
 * topics/threads.mdx: sending a message to an archived thread unarchives it, unless the thread is locked, which
 * only members with Manage Threads may undo. The bot without it gets 400 / 50083 "Thread is archived" (the code
 * is in opcodes-and-status-codes; that Discord answers it for this case rather than 50013 is unconfirmed).
 */
function archivedThreadRefusal(
  ctx: RouteContext,
  guild: GuildModel,
  channel: ChannelModel,
): RestResponse | null {
  if (!THREAD_TYPES.has(channel.type) || !channel.archived) return null;
  const bot = guild.members.get(ctx.state.bot.id);
  const manages =
    bot !== undefined && (channelPermissions(guild, bot, channel) & PermissionFlagsBits.ManageThreads) !== 0n;
  if (channel.locked && !manages) return discordError(400, 50083, 'Thread is archived');
  channel.archived = false;
  ctx.state.guildDispatch(guild.id, 'THREAD_UPDATE', apiChannel(channel));
  return null;
}

function channelMessage(ctx: RouteContext) {
  const record = ctx.state.messages.get(ctx.params.message);
  return record && record.message.channel_id === ctx.params.channel && !record.ephemeral ? record : undefined;
}

/** 10003 for an unknown channel, 50001 for one the bot cannot see (or lacks `needed` in: 50013); null when fine. */
function channelAccess(ctx: RouteContext, needed = 0n): RestResponse | null {
  const found = ctx.state.channel(ctx.params.channel);
  if (!found) return errors.unknownChannel();
  return botChannelRefusal(found.guild, ctx.state.bot.id, found.channel, needed);
}

function editMessage(ctx: RouteContext): RestResponse {
  const refused = channelAccess(ctx);
  if (refused) return refused;
  const record = channelMessage(ctx);
  if (!record) return errors.unknownMessage();
  if (record.message.author.id !== ctx.state.bot.id)
    return discordError(403, 50005, 'Cannot edit a message authored by another user');
  const body = asBody(ctx.body);
  const invalid = ctx.state.settings.validate
    ? (validateMessageBody(body, false) ?? checkComponentsV2(body, record.message.flags))
    : null;
  if (invalid) return { status: 400, body: invalid };
  return ok(ctx.state.messages.edit(record.message.id, body, ctx.files)?.message);
}

function listMessages(ctx: RouteContext): RestResponse {
  const refused = channelAccess(ctx, PermissionFlagsBits.ReadMessageHistory);
  if (refused) return refused;
  const limit = Math.min(100, Number(ctx.query.limit ?? 50) || 50);
  return ok(
    ctx.state.messages
      .list(ctx.params.channel)
      .reverse()
      .slice(0, limit)
      .map((record) => record.message),
  );
}

/** The routes a bot uses outside interactions: gateway, application, users, commands, guilds, channels, messages. */
export const botRoutes: Route[] = [
  { method: 'GET', pattern: '/gateway', auth: 'none', handle: (ctx) => ok({ url: ctx.gatewayUrl }) },
  { method: 'GET', pattern: '/gateway/bot', auth: 'bot', handle: gatewayBot },
  {
    method: 'GET',
    pattern: '/applications/@me',
    auth: 'bot',
    handle: (ctx) =>
      ok(applicationPayload(ctx.state.settings.applicationId, ctx.state.bot, ctx.state.guilds.size)),
  },
  { method: 'GET', pattern: '/users/@me', auth: 'bot-or-bearer', handle: usersMe },
  {
    method: 'GET',
    pattern: '/users/:user',
    auth: 'bot',
    handle: (ctx) => {
      const user = ctx.state.users.get(ctx.params.user);
      return user ? ok(apiUser(user)) : errors.unknownUser();
    },
  },
  { method: 'GET', pattern: '/applications/:app/commands', auth: 'bot', handle: getCommands },
  { method: 'PUT', pattern: '/applications/:app/commands', auth: 'bot', handle: putCommands },
  { method: 'POST', pattern: '/applications/:app/commands', auth: 'bot', handle: postCommand },
  { method: 'GET', pattern: '/applications/:app/guilds/:guild/commands', auth: 'bot', handle: getCommands },
  { method: 'PUT', pattern: '/applications/:app/guilds/:guild/commands', auth: 'bot', handle: putCommands },
  { method: 'POST', pattern: '/applications/:app/guilds/:guild/commands', auth: 'bot', handle: postCommand },
  {
    method: 'GET',
    pattern: '/guilds/:guild',
    auth: 'bot',
    handle: withGuild((ctx, guildId) => {
      const guild = ctx.state.requireGuild(guildId);
      return ok({
        id: guild.id,
        name: guild.name,
        owner_id: guild.ownerId,
        roles: [...guild.roles.values()].map(apiRole),
        system_channel_id: guild.systemChannelId,
      });
    }),
  },
  {
    method: 'GET',
    pattern: '/guilds/:guild/channels',
    auth: 'bot',
    handle: withGuild((ctx, guildId) =>
      // "Does not include threads" (resources/guild, Get Guild Channels).
      ok(
        [...ctx.state.requireGuild(guildId).channels.values()]
          .filter((c) => !THREAD_TYPES.has(c.type))
          .map((c) => apiChannel(c)),
      ),
    ),
  },
  {
    method: 'GET',
    pattern: '/guilds/:guild/roles',
    auth: 'bot',
    handle: withGuild((ctx, guildId) => ok([...ctx.state.requireGuild(guildId).roles.values()].map(apiRole))),
  },
  { method: 'GET', pattern: '/guilds/:guild/members/:user', auth: 'bot', handle: withGuild(guildMember) },
  {
    method: 'GET',
    pattern: '/channels/:channel',
    auth: 'bot',
    handle: (ctx) => channelAccess(ctx) ?? ok(apiChannel(ctx.state.channel(ctx.params.channel)!.channel)),
  },
  { method: 'GET', pattern: '/channels/:channel/messages', auth: 'bot', handle: listMessages },
  { method: 'POST', pattern: '/channels/:channel/messages', auth: 'bot', handle: createMessage },
  {
    method: 'GET',
    pattern: '/channels/:channel/messages/:message',
    auth: 'bot',
    handle: (ctx) => {
      const refused = channelAccess(ctx, PermissionFlagsBits.ReadMessageHistory);
      if (refused) return refused;
      const record = channelMessage(ctx);
      return record ? ok(record.message) : errors.unknownMessage();
    },
  },
  { method: 'PATCH', pattern: '/channels/:channel/messages/:message', auth: 'bot', handle: editMessage },
  {
    method: 'DELETE',
    pattern: '/channels/:channel/messages/:message',
    auth: 'bot',
    handle: (ctx) => {
      const refused = channelAccess(ctx);
      if (refused) return refused;
      const record = channelMessage(ctx);
      if (!record) return errors.unknownMessage();
      ctx.state.messages.delete(record.message.id);
      return { status: 204 };
    },
  },
];
