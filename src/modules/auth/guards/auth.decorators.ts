import {
  ExecutionContext,
  SetMetadata,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import type { MemberRole } from '../../config';
import type { Principal } from '../domain/principal';
import { ApiThrottlerGuard, AUTH_THROTTLE_KEY, WEBHOOK_THROTTLE_KEY } from './api-throttler.guard';
import {
  ApiTokenGuard,
  GUILD_ROLE_KEY,
  GuildAccessGuard,
  GuildAdminGuard,
  USER_ONLY_KEY,
} from './auth.guards';
import type { AuthenticatedRequest } from './request-auth';

/** OpenAPI schema of the RFC 9457 problem documents every error is sent as. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId'],
  properties: {
    type: { type: 'string', example: 'urn:kaltura-discord:problem:guild-forbidden' },
    title: { type: 'string', example: 'Forbidden' },
    status: { type: 'integer', example: 403 },
    detail: { type: 'string', example: 'Your token does not give access to this guild.' },
    instance: { type: 'string', example: '/api/v1/guilds/123456789012345678/meetings' },
    code: { type: 'string', example: 'GUILD_FORBIDDEN' },
    requestId: { type: 'string', example: '3f0c9a52-8d5e-4a7b-9b1e-2f6f1c0d9a11' },
    apiVersion: { type: 'string', example: '1' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** Documents an error status of a route as problem+json. */
export function ApiProblem(status: number, description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description,
    content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
  });
}

const rateLimitDocs = () =>
  ApiResponse({
    status: 429,
    description: 'Too many requests; `Retry-After` says how many seconds to wait.',
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
    content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
  });

/** Marks a controller or route as `auth/*`: counted against the strict per-IP sign-in limit. */
export function AuthRateLimit(): MethodDecorator & ClassDecorator {
  return SetMetadata(AUTH_THROTTLE_KEY, true);
}

/**
 * An incoming webhook (`POST /webhooks/kaltura`): rate-limited per source address under the `webhook` limit,
 * before anything of the request is read or verified.
 */
export function WebhookRateLimit(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(WEBHOOK_THROTTLE_KEY, true), RateLimited());
}

/** Rate limiting only (public routes such as `POST /auth/token`). */
export function RateLimited(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(ApiThrottlerGuard), rateLimitDocs());
}

/** Any valid access token. */
export function Authenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ApiThrottlerGuard, ApiTokenGuard),
    ApiBearerAuth(),
    ApiProblem(401, 'Missing, invalid or expired access token.'),
    rateLimitDocs(),
  );
}

/**
 * A valid token that covers `:guildId` with at least `minimum` (default: any member). `userOnly` refuses API
 * keys (e.g. a personal join link, or managing API keys).
 */
export function GuildMember(
  minimum: MemberRole = 'viewer',
  options: { userOnly?: boolean } = {},
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(GUILD_ROLE_KEY, minimum),
    SetMetadata(USER_ONLY_KEY, options.userOnly ?? false),
    UseGuards(ApiThrottlerGuard, GuildAccessGuard),
    ApiBearerAuth(),
    ApiProblem(401, 'Missing, invalid or expired access token.'),
    ApiProblem(403, 'The token does not cover this guild, or the role is too low.'),
    rateLimitDocs(),
  );
}

/**
 * Admin-only guild routes (`GuildAdminGuard` plus rate limiting and OpenAPI docs). Put it on a controller or
 * handler whose path has `:guildId`.
 */
export function GuildAdmin(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ApiThrottlerGuard, GuildAdminGuard),
    ApiBearerAuth(),
    ApiProblem(401, 'Missing, invalid or expired access token.'),
    ApiProblem(403, 'The token does not cover this guild, or the caller is not a guild admin there.'),
    rateLimitDocs(),
  );
}

/** The authenticated caller (use on routes guarded by one of the decorators above). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // A route without an auth guard is a programming error: fail closed, loudly.
    if (!principal) throw new Error('CurrentPrincipal used on a route without an authentication guard');
    return principal;
  },
);
