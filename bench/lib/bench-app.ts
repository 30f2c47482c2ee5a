import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Controller, Get, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PermissionFlagsBits } from 'discord.js';
import { AppModule } from '../../src/app.module';
import { configureApp, listen } from '../../src/platform/http';
import { loadSettings, type Settings } from '../../src/platform/settings';
import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../../test/fakes/discord';
import { FakeKaltura } from '../../test/fakes/kaltura';

/** The bare NestJS baseline: same app, same middleware and pipes, no guards, no storage. */
@Controller({ path: 'bench/hello', version: '1' })
export class BenchHelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

/** Bench-only module adding `GET /api/v1/bench/hello` next to the real routes. */
@Module({ controllers: [BenchHelloController] })
export class BenchHelloModule {}

/** Discards the service's JSON logs: pino still serializes every line, the terminal is not measured. */
const quiet = (): Writable => new Writable({ write: (_chunk, _enc, cb) => cb() });

export interface BenchApp {
  app: NestExpressApplication;
  settings: Settings;
  url: string;
  guildId: string;
  channelId: string;
  discord?: FakeDiscord;
  kaltura?: FakeKaltura;
  close(): Promise<void>;
}

export interface BenchAppOptions {
  /** Start a FakeDiscord and log the bot in to it (waits until the commands are registered). */
  discord?: boolean;
  /** Point the Kaltura adapter at a local FakeKaltura; otherwise the sandbox adapter (no Kaltura at all). */
  kaltura?: boolean;
  env?: Record<string, string>;
  imports?: Array<DynamicModule | Type>;
}

/**
 * The whole service as `npm start` builds it (AppModule + configureApp), listening on 127.0.0.1, with in-memory
 * storage, a copy of the shipped config, logs at `BENCH_LOG_LEVEL` (default info, as in production) discarded,
 * and optionally the local fakes as backends. One Discord-enabled app per process (necord binds once).
 */
export async function startBenchApp(options: BenchAppOptions = {}): Promise<BenchApp> {
  const guildId = snowflakeForShard(0, 1);
  const channelId = fakeSnowflake();
  const configDir = mkdtempSync(join(tmpdir(), 'kd-bench-'));
  mkdirSync(join(configDir, 'overrides'));
  copyFileSync(join(process.cwd(), 'config', 'default_config.json'), join(configDir, 'default_config.json'));

  const discord = options.discord
    ? new FakeDiscord({
        heartbeatIntervalMs: 5_000,
        guilds: [
          {
            id: guildId,
            name: 'Bench guild',
            channels: [{ id: channelId, name: 'meetings' }],
            roles: [{ id: fakeSnowflake(), name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
          },
        ],
      })
    : undefined;
  await discord?.start();
  const kaltura = options.kaltura ? new FakeKaltura() : undefined;
  await kaltura?.start();

  const settings = loadSettings({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    CONFIG_DIR: configDir,
    ...(discord
      ? {
          DISCORD_TOKEN: discord.token,
          DISCORD_API_URL: discord.apiUrl,
          DISCORD_CLIENT_ID: discord.applicationId,
        }
      : {}),
    ...(kaltura
      ? {
          KALTURA_PARTNER_ID: String(kaltura.partnerId),
          KALTURA_ADMIN_SECRET: kaltura.adminSecret,
          KALTURA_SERVICE_URL: kaltura.url,
          KALTURA_KAF_URL: 'https://4242.kaf.test',
        }
      : {}),
    ...options.env,
  });
  const app = await NestFactory.create<NestExpressApplication>(
    {
      module: class BenchRootModule {},
      imports: [AppModule.register(settings, { logStream: quiet() }), ...(options.imports ?? [])],
    },
    { bufferLogs: true, bodyParser: false, abortOnError: false },
  );
  configureApp(app, settings);
  await listen(app, 0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  if (discord) {
    await discord.waitForCall(
      (c) => c.status === 200 && c.route === 'PUT /applications/:app/commands',
      20_000,
    );
  }
  return {
    app,
    settings,
    url,
    guildId,
    channelId,
    discord,
    kaltura,
    close: async () => {
      await app.close();
      await discord?.stop();
      await kaltura?.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** RSS and heap in MiB, after a full GC when the process runs with `--expose-gc`. */
export function memoryMiB(): { rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; gc: string } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  return {
    rssMiB: mib(m.rss),
    heapUsedMiB: mib(m.heapUsed),
    heapTotalMiB: mib(m.heapTotal),
    gc: gc ? 'after gc' : 'no gc',
  };
}

/** Resolves after `ms`; an `unref`'d sleep does not keep the process alive. */
export const sleep = (ms: number, unref = false): Promise<void> =>
  new Promise((r) => {
    const timer = setTimeout(r, ms);
    if (unref) timer.unref();
  });
