// @ts-check
'use strict';
/**
 * The built service (`dist/`, as `npm start` runs it) in a process of its own, so that a test can SIGKILL it, with
 * the notification options replaced as a test module may (the environment cannot set them). Used by
 * kill-mid-delivery.spec.ts. Environment: the service's own variables, plus `KD_TEST_NOTIFICATION_OPTIONS` (JSON
 * merged over `DEFAULT_NOTIFICATION_OPTIONS`). Listens on 127.0.0.1:$PORT; logs JSON lines on stdout.
 */
require('reflect-metadata');
const { join } = require('node:path');
const { Test } = require('@nestjs/testing');

const dist = join(__dirname, '..', '..', 'dist');
const { AppModule } = require(join(dist, 'app.module'));
const { configureApp, gracefulShutdown } = require(join(dist, 'platform', 'http'));
const { loadSettings } = require(join(dist, 'platform', 'settings'));
const { DEFAULT_NOTIFICATION_OPTIONS, NOTIFICATION_OPTIONS } = require(join(dist, 'modules', 'notification'));

async function main() {
  const settings = loadSettings();
  const options = {
    ...DEFAULT_NOTIFICATION_OPTIONS,
    ...JSON.parse(process.env.KD_TEST_NOTIFICATION_OPTIONS || '{}'),
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(settings)] })
    .overrideProvider(NOTIFICATION_OPTIONS)
    .useValue(options)
    .compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureApp(app, settings);
  await app.listen(settings.http.port, '127.0.0.1');
  // SIGTERM drains as main.js does (the worker finishes or cuts its jobs). A SIGKILL gives no such chance.
  process.once('SIGTERM', () => {
    gracefulShutdown(app).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((err) => {
  process.stderr.write(`service-child: start-up failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
