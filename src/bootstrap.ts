import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, AppOptions } from './app.module';
import { configureApp } from './platform/http';
import { Settings } from './platform/settings';

/** Creates and configures the whole application, not yet listening. Used by `main.ts` and by tests. */
export async function createApp(
  settings: Settings,
  options: AppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(settings, options), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  configureApp(app, settings);
  return app;
}
