import { CanActivate, ExecutionContext, Injectable, Logger, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { ModuleRef } from '@nestjs/core';
import { lastValueFrom, isObservable } from 'rxjs';
import { UnavailableError } from '../../platform/errors';
import { Settings } from '../../platform/settings';
import { CONFIG_ERROR_CODES } from './config.errors';

/**
 * Injection token of the guard that protects `/api/v1/guilds/:guildId/config` (admin of that guild only).
 * The auth module provides it (`{ provide: CONFIG_API_GUARD, useExisting: GuildAdminGuard }`): auth depends
 * on config, so config cannot import auth's guard; it finds it at run time instead.
 */
export const CONFIG_API_GUARD = Symbol('CONFIG_API_GUARD');

/** Guards other than this one on a controller or handler (e.g. `@GuildAdmin()` added by the auth module). */
export function otherGuards(...targets: object[]): unknown[] {
  return targets
    .flatMap((t) => (Reflect.getMetadata(GUARDS_METADATA, t) as unknown[] | undefined) ?? [])
    .filter((g) => g !== ConfigApiGuard);
}

/**
 * Delegates to the `CONFIG_API_GUARD` provider when one exists. Otherwise, if no other guard sits on the
 * route either, the routes are unguarded outside production (logged loudly at start-up) and disabled (503)
 * in production: a configuration API nobody protects must never be the production default.
 */
@Injectable()
export class ConfigApiGuard implements CanActivate {
  private readonly logger = new Logger('config');
  private delegate?: CanActivate | null;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly settings: Settings,
  ) {}

  /** The guard auth registered, or null. */
  resolveDelegate(): CanActivate | null {
    if (this.delegate === undefined) {
      try {
        this.delegate = this.moduleRef.get<CanActivate>(CONFIG_API_GUARD, { strict: false });
      } catch {
        this.delegate = null;
      }
    }
    return this.delegate;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const delegate = this.resolveDelegate();
    if (!delegate) {
      if (otherGuards(context.getClass(), context.getHandler()).length > 0) return true;
      if (this.settings.env === 'production') {
        throw new UnavailableError(
          CONFIG_ERROR_CODES.apiDisabled,
          'The configuration API is disabled: no authentication guard is installed.',
        );
      }
      return true;
    }
    const allowed = delegate.canActivate(context);
    return isObservable(allowed) ? lastValueFrom(allowed) : allowed;
  }

  /** Logs, once at start-up, whether the routes are protected (`controller`: the class they live on). */
  reportAtStartup(controller: Type): void {
    if (this.resolveDelegate() || otherGuards(controller).length > 0) return;
    this.logger.warn(
      this.settings.env === 'production'
        ? 'Config REST API disabled (503): no CONFIG_API_GUARD provider is installed'
        : 'Config REST API is UNGUARDED: no CONFIG_API_GUARD provider is installed (the auth module provides it)',
    );
  }
}
