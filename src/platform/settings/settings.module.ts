import { DynamicModule, Global, Module } from '@nestjs/common';
import { Settings } from './settings';

/** Makes one `Settings` instance injectable everywhere. */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: SettingsModule,
      providers: [{ provide: Settings, useValue: settings }],
      exports: [Settings],
    };
  }
}
