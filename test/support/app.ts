import { Writable } from 'node:stream';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/platform/http';
import { Settings, loadSettings } from '../../src/platform/settings';

/** Collects pino's JSON lines so tests can read what was logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    cb();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface TestApp {
  app: NestExpressApplication;
  settings: Settings;
  logs: LogCapture;
  /** Base URL when started with `listen: true`. */
  url?: string;
  close(): Promise<void>;
}

/**
 * Boots the real application (same module graph and `configureApp` as main.ts) with the given env on top of a
 * quiet test baseline. Extra modules (test-only controllers) can be added.
 */
export async function bootTestApp(
  env: Record<string, string> = {},
  opts: {
    imports?: Array<DynamicModule | Type>;
    listen?: boolean;
    /** Providers replaced by values (e.g. shrunk limits). */
    overrides?: Array<[token: unknown, value: unknown]>;
  } = {},
): Promise<TestApp> {
  const settings = loadSettings({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...env });
  const logs = new LogCapture();
  let builder = Test.createTestingModule({
    imports: [AppModule.register(settings, { logStream: logs }), ...(opts.imports ?? [])],
  });
  for (const [token, value] of opts.overrides ?? [])
    builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, settings);
  let url: string | undefined;
  if (opts.listen) {
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    url = url.replace('[::1]', '127.0.0.1');
  } else {
    await app.init();
  }
  return { app, settings, logs, url, close: () => app.close() };
}
