import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainError } from '../../../platform/errors';
import { AccessTokenService } from '../access-token.service';
import { sha256Hex } from '../domain/secrets';
import { bearerToken } from './request-auth';

/** Metadata on `auth/*` controllers: they count against the strict `auth` limit instead of `default`. */
export const AUTH_THROTTLE_KEY = 'kd:auth:throttle-auth';

/** Metadata on incoming-webhook routes: they count against the `webhook` limit, per source address. */
export const WEBHOOK_THROTTLE_KEY = 'kd:auth:throttle-webhook';

const marked = (context: ExecutionContext, key: string): boolean =>
  [context.getHandler(), context.getClass()].some((t) => Reflect.getMetadata(key, t) === true);

/** True when the handler or its controller is marked for the strict `auth` limit. */
export function isAuthThrottled(context: ExecutionContext): boolean {
  return marked(context, AUTH_THROTTLE_KEY);
}

/** True when the handler or its controller is an incoming webhook (the `webhook` limit). */
export function isWebhookThrottled(context: ExecutionContext): boolean {
  return marked(context, WEBHOOK_THROTTLE_KEY);
}

/**
 * `@nestjs/throttler` with the service's rules: callers are counted by the subject of a valid access token
 * (so many users behind one NAT do not share a budget), else by IP; one budget per caller across all routes of
 * a limit; a 429 is problem+json `RATE_LIMITED` with a plain `Retry-After` header in seconds.
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Request, context?: ExecutionContext): Promise<string> {
    // A webhook's sender has no token: its budget is its address, whatever headers it adds.
    if (context && isWebhookThrottled(context)) return `ip:${req.ip ?? 'unknown'}`;
    const token = bearerToken(req);
    if (token) {
      try {
        const principal = this.tokens.verify(token);
        return `${principal.kind}:${principal.subject}`;
      } catch {
        // An invalid token earns no budget of its own: fall back to the address.
      }
    }
    return `ip:${req.ip ?? 'unknown'}`;
  }

  // Hashed, so neither IPs nor user ids sit in Redis in clear; the storage appends the limit's name.
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return sha256Hex(tracker).slice(0, 40);
  }

  // The library names it `Retry-After-<limit>` for named limits; clients understand only the plain header.
  protected override setResponseHeader(res: Response, name: string, value: string | number): void {
    if (!name.startsWith('Retry-After')) super.setResponseHeader(res, name, value);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new DomainError('RATE_LIMITED', `Too many requests. Retry after ${retryAfter} seconds.`, 429, {
      retryAfterSeconds: retryAfter,
    });
  }
}
