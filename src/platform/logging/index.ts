export * from './app-logger';
export * from './log-format';
export * from './logging.module';
export * from './redaction';
