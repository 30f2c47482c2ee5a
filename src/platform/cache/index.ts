export * from './cache.module';
export * from './redis-connections';
export * from './outage-log';
