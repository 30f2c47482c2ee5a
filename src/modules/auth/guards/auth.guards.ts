import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { MemberRole } from '../../config';
import { AccessTokenService } from '../access-token.service';
import { AuthenticatedRequest, authenticateRequest, requireGuildRole } from './request-auth';

/** Metadata: the lowest guild role a route accepts (default viewer, i.e. any member of the guild). */
export const GUILD_ROLE_KEY = 'kd:auth:guild-role';
/** Metadata: the route needs a signed-in Discord user (API keys are refused). */
export const USER_ONLY_KEY = 'kd:auth:user-only';
/** The route parameter that names the guild. */
export const GUILD_PARAM = 'guildId';

function http(context: ExecutionContext): { req: AuthenticatedRequest; res: Response } {
  const h = context.switchToHttp();
  return { req: h.getRequest<AuthenticatedRequest>(), res: h.getResponse<Response>() };
}

function guildParam(req: AuthenticatedRequest): string | undefined {
  const value: unknown = req.params[GUILD_PARAM];
  return typeof value === 'string' ? value : undefined;
}

/** Any valid access token (401 otherwise); puts the principal on the request. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req, res } = http(context);
    await authenticateRequest(req, res, this.tokens);
    return true;
  }
}

/**
 * A valid token whose guild scopes include `:guildId` (403 otherwise) with at least the role set by
 * `@GuildMember(role)`; works alone (it authenticates too).
 */
@Injectable()
export class GuildAccessGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req, res } = http(context);
    const principal = await authenticateRequest(req, res, this.tokens);
    const targets = [context.getHandler(), context.getClass()];
    const minimum =
      this.reflector.getAllAndOverride<MemberRole | undefined>(GUILD_ROLE_KEY, targets) ?? 'viewer';
    const userOnly = this.reflector.getAllAndOverride<boolean | undefined>(USER_ONLY_KEY, targets) ?? false;
    requireGuildRole(principal, guildParam(req), minimum, userOnly);
    return true;
  }
}

/**
 * Admin-only guild routes: a valid token (401), covering `:guildId` (403), with the admin role there (403).
 * Self-contained (used through `@GuildAdmin()`, e.g. on `GET|PATCH|DELETE /guilds/:guildId/config`).
 */
@Injectable()
export class GuildAdminGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req, res } = http(context);
    const principal = await authenticateRequest(req, res, this.tokens);
    requireGuildRole(principal, guildParam(req), 'admin');
    return true;
  }
}
