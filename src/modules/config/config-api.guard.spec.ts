import { CanActivate, ExecutionContext, Logger, UseGuards } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { of } from 'rxjs';
import { UnavailableError } from '../../platform/errors';
import { loadSettings } from '../../platform/settings';
import { CONFIG_API_GUARD, ConfigApiGuard } from './config-api.guard';

class Plain {
  handler(): void {}
}
class AlsoGuarded {
  handler(): void {}
}
UseGuards(ConfigApiGuard, class Other {})(AlsoGuarded);

const contextFor = (cls: new () => { handler(): void }) =>
  ({ getClass: () => cls, getHandler: () => cls.prototype.handler }) as unknown as ExecutionContext;

function guardWith(delegate: CanActivate | null, env: 'test' | 'production' = 'test') {
  const moduleRef = {
    get: (token: unknown) => {
      if (token !== CONFIG_API_GUARD || !delegate) throw new Error('not found');
      return delegate;
    },
  } as unknown as ModuleRef;
  const settings = loadSettings(
    env === 'production'
      ? { NODE_ENV: 'production', STORAGE: 'memory', JWT_SECRET: 'x'.repeat(40), KALTURA_MODE: 'sandbox' }
      : {},
  );
  return new ConfigApiGuard(moduleRef, settings);
}

describe('ConfigApiGuard', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it("delegates to the auth module's guard (promise or observable answers)", async () => {
    expect(await guardWith({ canActivate: async () => false }).canActivate(contextFor(Plain))).toBe(false);
    expect(await guardWith({ canActivate: () => of(true) }).canActivate(contextFor(Plain))).toBe(true);
    const refusing = guardWith({
      canActivate: () => {
        throw new Error('401');
      },
    });
    await expect(refusing.canActivate(contextFor(Plain))).rejects.toThrow('401');
  });

  it('without one, lets requests through outside production, and disables the routes in production', async () => {
    expect(await guardWith(null).canActivate(contextFor(Plain))).toBe(true);
    await expect(guardWith(null, 'production').canActivate(contextFor(Plain))).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });

  it('in production without one, still lets a route through that another guard protects', async () => {
    expect(await guardWith(null, 'production').canActivate(contextFor(AlsoGuarded))).toBe(true);
  });
});
