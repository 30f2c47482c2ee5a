import { Catch, ExceptionFilter, Injectable, UseFilters } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA } from '@nestjs/common/constants';
import { NecordModule } from 'necord';
import { loadSettings } from '../../platform/settings';
import { DiscordGatewayOffNotice, DiscordModule, withDiscordHandling } from './discord.module';
import { DiscordExceptionFilter } from './interaction/discord-exception.filter';
import { InteractionDeadlineGuard } from './interaction/interaction-deadline';

@Catch()
class OwnFilter implements ExceptionFilter {
  catch(): void {}
}

describe('DiscordModule', () => {
  it('is one log line, and no gateway, without DISCORD_TOKEN', () => {
    const module = DiscordModule.register(loadSettings({}));
    expect(module.providers).toEqual([DiscordGatewayOffNotice]);
    expect(module.imports).toBeUndefined();
  });

  it('imports necord and the feature modules with a token', () => {
    const module = DiscordModule.register(loadSettings({ DISCORD_TOKEN: 'x' }));
    expect(module.imports?.some((m) => (m as { module?: unknown }).module === NecordModule)).toBe(true);
    expect(module.exports).toBeDefined();
  });

  it('binds the Discord exception filter to handler classes that have none', () => {
    @Injectable()
    class Plain {}
    @Injectable()
    class ViaUseClass {}
    @Injectable()
    @UseFilters(OwnFilter)
    class Own {}
    withDiscordHandling([Plain, { provide: 'x', useClass: ViaUseClass }, Own, { provide: 'y', useValue: 1 }]);
    expect(Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, Plain)).toEqual([DiscordExceptionFilter]);
    expect(Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, ViaUseClass)).toEqual([DiscordExceptionFilter]);
    expect(Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, Own)).toEqual([OwnFilter]);
  });

  it('binds the interaction deadline guard to every handler class, once', () => {
    @Injectable()
    class Handler {}
    withDiscordHandling([Handler]);
    withDiscordHandling([Handler]);
    expect(Reflect.getMetadata(GUARDS_METADATA, Handler)).toEqual([InteractionDeadlineGuard]);
  });
});
