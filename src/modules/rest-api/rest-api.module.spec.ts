import { RequestMethod, Type } from '@nestjs/common';
import {
  GUARDS_METADATA,
  METHOD_METADATA,
  MODULE_METADATA,
  PATH_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants';
import { ApiThrottlerGuard, GuildAccessGuard, GuildAdminGuard } from '../auth';
import { API_VERSION } from '../../platform/http';
import { GuildConfigController } from './config.controller';
import { RestApiModule } from './rest-api.module';

const controllers = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, RestApiModule) as Type[];

function guardsOf(controller: Type, handler: string): unknown[] {
  const proto = controller.prototype as Record<string, object>;
  return [
    ...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? []),
    ...((Reflect.getMetadata(GUARDS_METADATA, proto[handler]) as unknown[] | undefined) ?? []),
  ];
}

function routes(controller: Type): string[] {
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).filter(
    (name) =>
      name !== 'constructor' &&
      typeof proto[name] === 'function' &&
      Reflect.getMetadata(METHOD_METADATA, proto[name] as object) !== undefined,
  );
}

describe('RestApiModule', () => {
  it('holds every versioned controller, each at the one API version', () => {
    expect(controllers.map((c) => c.name).sort()).toEqual(
      [
        'ApiKeysController',
        'AuthController',
        'EventsController',
        'GuildConfigController',
        'KalturaWebhookController',
        'MeetingsController',
        'NotificationsController',
        'WebhooksController',
      ].sort(),
    );
    for (const c of controllers) expect(Reflect.getMetadata(VERSION_METADATA, c)).toBe(API_VERSION);
  });

  it('guards every guild route at compile time (no guard looked up at run time, none skipped by mode)', () => {
    for (const c of controllers) {
      if (!String(Reflect.getMetadata(PATH_METADATA, c)).includes(':guildId')) continue;
      for (const handler of routes(c)) {
        const guards = guardsOf(c, handler);
        expect({ route: `${c.name}.${handler}`, throttled: guards.includes(ApiThrottlerGuard) }).toEqual({
          route: `${c.name}.${handler}`,
          throttled: true,
        });
        expect(guards.some((g) => g === GuildAccessGuard || g === GuildAdminGuard)).toBe(true);
      }
    }
  });

  it('puts the config routes behind the guild-admin guard, like every admin route', () => {
    for (const handler of routes(GuildConfigController)) {
      expect(guardsOf(GuildConfigController, handler)).toContain(GuildAdminGuard);
    }
    const proto = GuildConfigController.prototype as unknown as Record<string, object>;
    expect(Reflect.getMetadata(METHOD_METADATA, proto.update)).toBe(RequestMethod.PATCH);
  });
});
