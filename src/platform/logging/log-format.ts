import type { DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Settings } from '../settings';

/** Every log line carries this as `service`, start-up failures written before the logger exists included. */
export const SERVICE_NAME = 'kaltura-discord';

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines everywhere (what log collectors parse), except a development run whose output is a terminal: a
 * person reads that, so it gets pino-pretty's coloured one-line-per-event format. Not an env var on purpose:
 * piping a development run (`npm start | tee`) already gives JSON, and production never gets anything else.
 */
export function logFormat(env: Settings['env'], isTty: boolean): LogFormat {
  return env === 'development' && isTty ? 'pretty' : 'json';
}

/** Where log lines go: `stream` (tests), else stdout, prettified when `logFormat` says so. */
export function logDestination(settings: Settings, stream?: DestinationStream): DestinationStream {
  if (stream) return stream;
  if (logFormat(settings.env, process.stdout.isTTY === true) === 'json') return process.stdout;
  return prettyStream(true);
}

/** pino-pretty, synchronous so the last lines before exit are not lost; `service` is the same on every line. */
export function prettyStream(colorize: boolean, destination?: NodeJS.WritableStream): DestinationStream {
  return pinoPretty({
    colorize,
    sync: true,
    messageKey: 'msg',
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'service,module',
    messageFormat: '{if module}[{module}] {end}{msg}',
    hideObject: false,
    destination: destination ?? 1,
  });
}
