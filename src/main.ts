import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { gracefulShutdown, listen } from './platform/http';
import { SettingsError, loadSettings, startupReport } from './platform/settings';

async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSettings();
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    // Before logging exists: one JSON line on stderr naming the variable, never its value.
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: e.message })}\n`,
    );
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
    gracefulShutdown(app)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'Shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: 'Start-up failed', err: String(err) })}\n`,
  );
  process.exit(1);
});
