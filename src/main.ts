import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { gracefulShutdown, listen } from './platform/http';
import { SERVICE_NAME } from './platform/logging';
import { SettingsError, loadSettings, startupReport } from './platform/settings';

async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSettings();
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    // Before logging exists: one JSON line on stderr naming the variable, never its value.
    fatal(e.message);
    process.exit(1);
  }
  const app = await createApp(settings);
  await listen(app, settings.http.port);

  const logger = new Logger('bootstrap');
  const report = startupReport(settings);
  logger.log({ ...report.summary }, `Listening on http://localhost:${settings.http.port}`);
  for (const line of report.defaults) logger.log(`Embedded default: ${line}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining in-flight requests`);
    const started = performance.now();
    gracefulShutdown(app)
      .then(() => {
        logger.log(`Stopped cleanly in ${Math.round(performance.now() - started)} ms`);
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'Shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** A start-up failure before (or instead of) the logger: one JSON line on stderr, shaped like every other line. */
function fatal(msg: string, err?: unknown): void {
  const line = { level: 'fatal', time: new Date().toISOString(), service: SERVICE_NAME, msg };
  process.stderr.write(`${JSON.stringify(err === undefined ? line : { ...line, err: String(err) })}\n`);
}

main().catch((err: unknown) => {
  fatal('Start-up failed', err);
  process.exit(1);
});
