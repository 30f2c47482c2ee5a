import { RequestMethod, VersioningType } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { AppLogger, HTTP_LOG_MIDDLEWARE, HttpLogMiddleware } from '../logging';
import { HttpMetricsMiddleware } from '../metrics';
import { ProblemDetailsFilter, bodyErrorMiddleware, createValidationPipe } from '../errors';
import { Settings } from '../settings';
import { API_VERSION } from './api-version';

/** Raw bytes of the request body, kept for signature checks (Kaltura webhooks). */
export type RequestWithRawBody = express.Request & { rawBody?: Buffer };

export const API_PREFIX = 'api';
export const JSON_LIMIT = '100kb';
export const WEBHOOK_LIMIT = '1mb';
const WEBHOOK_PATH = /^\/api\/v\d+\/webhooks\//;
/** Routes that live outside `/api` and outside versioning. */
export const UNPREFIXED_ROUTES = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
  { path: 'sandbox/launch', method: RequestMethod.GET },
];

function keepRaw(req: express.Request, _res: unknown, buf: Buffer): void {
  (req as RequestWithRawBody).rawBody = buf;
}

/**
 * Everything `main.ts` does to the Nest application, shared with the HTTP tests so they exercise the real
 * pipeline. The app must be created with `bodyParser: false` and `bufferLogs: true`.
 */
export function configureApp(app: NestExpressApplication, settings: Settings): NestExpressApplication {
  app.useLogger(app.get(AppLogger));
  // `req.ip` (rate limits, logs) comes from X-Forwarded-For only through the proxies TRUST_PROXY names.
  app.set('trust proxy', settings.http.trustProxy);
  app.disable('x-powered-by');
  // First, so every response has its access-log line and request id, even one the body parser refuses.
  app.use(app.get<HttpLogMiddleware>(HTTP_LOG_MIDDLEWARE));
  const metrics = app.get(HttpMetricsMiddleware);
  app.use(metrics.use.bind(metrics));
  // HSTS pins browsers to HTTPS for a whole host: the ingress that terminates TLS decides that, not the service.
  app.use(helmet({ strictTransportSecurity: settings.http.hsts }));
  app.enableCors({ origin: settings.http.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After'] });

  // Webhooks are verified over their exact bytes and come in several content types: keep them raw, parse later.
  const webhookBody = express.raw({ type: () => true, limit: WEBHOOK_LIMIT });
  const jsonBody = express.json({ limit: JSON_LIMIT, verify: keepRaw });
  const formBody = express.urlencoded({ limit: JSON_LIMIT, extended: false, verify: keepRaw });
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) =>
    WEBHOOK_PATH.test(req.path) ? webhookBody(req, res, next) : jsonBody(req, res, next),
  );
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) =>
    WEBHOOK_PATH.test(req.path) ? next() : formBody(req, res, next),
  );
  app.use(bodyErrorMiddleware);

  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_ROUTES });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: API_VERSION });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  if (settings.http.apiDocs) setupApiDocs(app);
  return app;
}

/** OpenAPI at `/api/docs` (JSON at `/api/docs-json`); `API_DOCS=off` leaves both unrouted (404). */
function setupApiDocs(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kaltura ↔ Discord API')
      .setDescription('Run Kaltura meetings for Discord communities. Errors are RFC 9457 problem+json.')
      .setVersion(API_VERSION)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/docs-json` });
}
