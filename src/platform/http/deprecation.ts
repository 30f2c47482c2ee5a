import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Observable } from 'rxjs';

/** When a route was deprecated, when it stops being served, and where the migration is explained. */
export interface DeprecationPolicy {
  /** ISO-8601 date-time from which the route is deprecated (may be in the future: announced ahead). */
  since: string;
  /** ISO-8601 date-time after which the route may stop answering (at least 6 months after `since`: docs/api.md). */
  sunset?: string;
  /** Absolute URL of the migration notes. */
  link?: string;
}

const DEPRECATION = Symbol('kd:deprecation');
/** `@nestjs/swagger`'s operation metadata key (`DECORATORS.API_OPERATION`; its constants are not exported). */
const SWAGGER_OPERATION = 'swagger/apiOperation';

/** The response headers for `policy`: `Deprecation` (RFC 9745), `Sunset` (RFC 8594), `Link` rel=deprecation. */
export function deprecationHeaders(policy: DeprecationPolicy): Record<string, string> {
  const headers: Record<string, string> = {
    // RFC 9745 §2.1: an RFC 9651 Date structured field, `@` + Unix seconds.
    Deprecation: `@${Math.floor(Date.parse(policy.since) / 1000)}`,
  };
  // RFC 8594 §3: an HTTP-date (IMF-fixdate, which toUTCString produces).
  if (policy.sunset) headers.Sunset = new Date(policy.sunset).toUTCString();
  // RFC 9745 §3: rel="deprecation" points at human-readable deprecation information.
  if (policy.link) headers.Link = `<${policy.link}>; rel="deprecation"; type="text/html"`;
  return headers;
}

function checkPolicy(policy: DeprecationPolicy): void {
  const since = Date.parse(policy.since);
  if (Number.isNaN(since)) throw new Error(`@Deprecated: since is not a date (${policy.since})`);
  if (policy.sunset !== undefined && !(Date.parse(policy.sunset) > since))
    throw new Error(`@Deprecated: sunset must be a date after since (${policy.sunset})`);
  if (policy.link !== undefined && !/^https?:\/\/[^\s<>]+$/.test(policy.link))
    throw new Error(`@Deprecated: link must be an absolute http(s) URL (${policy.link})`);
}

/** Adds the policy's headers to every response of a deprecated route that reaches its handler. */
@Injectable()
export class DeprecationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.reflector.getAllAndOverride<DeprecationPolicy | undefined>(DEPRECATION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy && context.getType() === 'http') {
      // Set before the handler runs, so an error response (problem+json) carries them too.
      const res = context.switchToHttp().getResponse<Response>();
      for (const [name, value] of Object.entries(deprecationHeaders(policy))) res.setHeader(name, value);
    }
    return next.handle();
  }
}

/** Marks the OpenAPI operation deprecated, keeping what `@ApiOperation` already set (summary, description). */
const openApiDeprecated: MethodDecorator = (target, key, descriptor) => {
  const previous = (Reflect.getMetadata(SWAGGER_OPERATION, descriptor.value as object) ?? {}) as object;
  return ApiOperation({ ...previous, deprecated: true })(target, key, descriptor);
};

/**
 * Marks a route deprecated (docs/api.md, "Deprecation and sunset"): every response it answers carries
 * `Deprecation`, and `Sunset` and `Link` when given; the OpenAPI document shows `deprecated: true`. Put it on the
 * handler, below `@ApiOperation` or above it. A bad policy fails at start-up, not at the first request.
 */
export function Deprecated(policy: DeprecationPolicy): MethodDecorator {
  checkPolicy(policy);
  return applyDecorators(
    SetMetadata(DEPRECATION, policy),
    UseInterceptors(DeprecationInterceptor),
    openApiDeprecated,
  ) as MethodDecorator;
}
