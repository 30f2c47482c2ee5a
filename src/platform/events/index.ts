export * from './cursor';
export * from './domain-event';
export * from './event-bus';
export * from './events.errors';
export * from './events.module';
export * from './in-process-event-bus';
export * from './redis-event-bus';
export * from './schemas';
