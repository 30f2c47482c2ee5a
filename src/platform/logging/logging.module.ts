import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule, Params } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';
import { HttpLogger, pinoHttp } from 'pino-http';
import { Settings } from '../settings';
import { AppLogger } from './app-logger';
import { SERVICE_NAME, logDestination } from './log-format';
import { Redactor } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const QUIET_ROUTES = /^\/(health\/|metrics)/;

/** The secret values configured for this process, so they can be scrubbed wherever they appear. */
export function configuredSecrets(settings: Settings): string[] {
  const s = settings;
  const passwords = [s.storage.mongoUri, s.redis.url].map((u) => {
    try {
      return u ? decodeURIComponent(new URL(u).password) : undefined;
    } catch {
      return undefined;
    }
  });
  return [
    s.discord.token,
    s.discord.clientSecret,
    s.kaltura.adminSecret,
    s.kaltura.webhookSecret,
    s.jwt.secret,
    s.storage.mongoUri,
    s.redis.url,
    ...passwords,
  ].filter((v): v is string => !!v);
}

/**
 * Takes the caller's `X-Request-Id` when it is well-formed, else a fresh UUID; echoes it in the response. Runs
 * as the first Express middleware (so even unmatched routes have one) and again as pino-http's generator, which
 * then reuses it.
 */
export function requestId(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The pino-http middleware, run by `configureApp` as the first Express middleware. */
export const HTTP_LOG_MIDDLEWARE = Symbol('HTTP_LOG_MIDDLEWARE');
export type HttpLogMiddleware = HttpLogger;

/** Health probes and scrapes log no access line while they succeed; a failing one does. */
function accessLogLevel(req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return QUIET_ROUTES.test(req.url ?? '') ? 'silent' : 'info';
}

/**
 * Structured JSON logs through pino: stable fields `time`, `level`, `service`, `msg`, `requestId`, `module`,
 * every string scrubbed of secrets; pretty-printed only for a development run on a terminal (`logFormat`).
 * `stream` lets tests capture the output.
 *
 * The access log (pino-http) is created here and run by `configureApp` before every other middleware, so a
 * request refused by the body parser (malformed JSON, too large) still gets its line; nestjs-pino reuses that
 * logger (`useExisting`) for request-scoped application logs.
 */
@Module({})
export class LoggingModule {
  static forRoot(settings: Settings, stream?: DestinationStream): DynamicModule {
    const redactor = new Redactor(configuredSecrets(settings));
    const httpLogger = pinoHttp(
      {
        level: settings.log.level,
        base: { service: SERVICE_NAME },
        messageKey: 'msg',
        timestamp: () => `,"time":"${new Date().toISOString()}"`,
        genReqId: requestId,
        customAttributeKeys: { reqId: 'requestId' },
        quietReqLogger: true,
        customLogLevel: accessLogLevel,
        serializers: {
          req: (req: { method: string; url: string; remoteAddress?: string }) => ({
            method: req.method,
            url: redactor.redactString(req.url),
            remoteAddress: req.remoteAddress,
          }),
          // pino's wrapper reports null when it thinks headers are unsent; the raw response knows better.
          res: (res: { statusCode: number | null; raw?: { statusCode: number } }) => ({
            statusCode: res.raw?.statusCode ?? res.statusCode,
          }),
        },
        formatters: {
          level: (label) => ({ level: label }),
        },
        hooks: {
          // Every log call, pino-http's and the Nest logger's included, passes through here, once.
          logMethod(args, method) {
            const scrubbed = args.map((a) =>
              a !== null && typeof a === 'object' && !Array.isArray(a) && !(a instanceof Error)
                ? redactor.redactRecord(a as Record<string, unknown>)
                : redactor.redact(a),
            );
            method.apply(this, scrubbed as Parameters<typeof method>);
          },
        },
      },
      logDestination(settings, stream),
    );
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          renameContext: 'module',
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          useExisting: true,
          // nestjs-pino's `{ logger }` form (PassedLogger), which its Params type does not spell out.
          pinoHttp: { logger: httpLogger.logger } as unknown as Params['pinoHttp'],
        }),
      ],
      providers: [AppLogger, { provide: HTTP_LOG_MIDDLEWARE, useValue: httpLogger }],
      exports: [AppLogger, HTTP_LOG_MIDDLEWARE],
    };
  }
}
