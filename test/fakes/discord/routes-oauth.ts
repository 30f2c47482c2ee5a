import { errors, type RestResponse } from './http';
import { basePermissions } from './model';
import { apiMember } from './payloads';
import type { Route, RouteContext } from './rest-server';

type Form = Record<string, string | undefined>;
const oauthError = (status: number, error: string, description: string): RestResponse => ({
  status,
  body: { error, error_description: description },
});

/** Client credentials come in the form body or as HTTP Basic auth, as RFC 6749 allows. */
function clientCredentials(ctx: RouteContext, form: Form): { id?: string; secret?: string } {
  const [scheme, encoded] = (ctx.call.headers.authorization ?? '').split(' ');
  if (scheme === 'Basic' && encoded) {
    const [id, secret] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
    return { id, secret };
  }
  return { id: form.client_id, secret: form.client_secret };
}

function token(ctx: RouteContext): RestResponse {
  const form = (ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) as Form;
  const client = clientCredentials(ctx, form);
  const { applicationId, clientSecret } = ctx.state.settings;
  if (client.id !== applicationId || client.secret !== clientSecret) {
    return oauthError(401, 'invalid_client', 'Invalid client credentials.');
  }
  let grant: { userId: string; scope: string };
  if (form.grant_type === 'authorization_code') {
    const code = ctx.state.oauthCodes.get(form.code ?? '');
    // The exchange must repeat the `redirect_uri` the authorization used ("redirect_uri: the redirect_uri
    // associated with this authorization", oauth2.mdx, Authorization Code Grant), and none when it used none (as
    // an Activity's `authorize` does).
    if (!code || code.redirectUri !== form.redirect_uri) {
      return oauthError(400, 'invalid_grant', `Invalid "code" in request.`);
    }
    ctx.state.oauthCodes.delete(code.code); // codes are single-use
    grant = { userId: code.userId, scope: code.scope ?? 'identify guilds.members.read' };
  } else if (form.grant_type === 'refresh_token') {
    const refresh = ctx.state.refreshTokens.get(form.refresh_token ?? '');
    if (!refresh) return oauthError(400, 'invalid_grant', 'Invalid "refresh_token" in request.');
    ctx.state.refreshTokens.delete(form.refresh_token ?? '');
    grant = { userId: refresh.userId, scope: refresh.scope };
  } else {
    return oauthError(
      400,
      'unsupported_grant_type',
      `Unsupported grant type: ${form.grant_type ?? '(none)'}`,
    );
  }
  const issued = ctx.state.issueUserToken(grant.userId, grant.scope);
  return {
    status: 200,
    body: {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      scope: grant.scope,
    },
  };
}

function hasScope(ctx: RouteContext, scope: string): boolean {
  const accessToken = (ctx.call.headers.authorization ?? '').split(' ')[1] ?? '';
  return ctx.state.userForToken(accessToken)?.scope.split(' ').includes(scope) ?? false;
}

function myMember(ctx: RouteContext): RestResponse {
  if (!hasScope(ctx, 'guilds.members.read')) return errors.unauthorized();
  const guild = ctx.state.guilds.get(ctx.params.guild);
  const member = guild?.members.get(ctx.bearerUserId ?? '');
  const user = ctx.state.users.get(ctx.bearerUserId ?? '');
  return member && user ? { status: 200, body: apiMember(member, user) } : errors.unknownGuild();
}

function myGuilds(ctx: RouteContext): RestResponse {
  if (!hasScope(ctx, 'guilds')) return errors.unauthorized();
  const userId = ctx.bearerUserId ?? '';
  const guilds = [...ctx.state.guilds.values()].filter((guild) => guild.members.has(userId));
  return {
    status: 200,
    body: guilds.map((guild) => ({
      id: guild.id,
      name: guild.name,
      icon: null,
      owner: guild.ownerId === userId,
      permissions: basePermissions(guild, guild.members.get(userId)!).toString(),
      features: [],
    })),
  };
}

/** OAuth2 for users: code exchange, refresh, and the bearer-token user routes. */
export const oauthRoutes: Route[] = [
  { method: 'POST', pattern: '/oauth2/token', auth: 'none', handle: token },
  {
    method: 'POST',
    pattern: '/oauth2/token/revoke',
    auth: 'none',
    handle: () => ({ status: 200, body: {} }),
  },
  { method: 'GET', pattern: '/users/@me/guilds', auth: 'bearer', handle: myGuilds },
  { method: 'GET', pattern: '/users/@me/guilds/:guild/member', auth: 'bearer', handle: myMember },
];
