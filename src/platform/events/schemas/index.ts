export * from './event-schemas';
