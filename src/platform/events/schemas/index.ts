export * from './event-schemas';
export * from './catalogue-markdown';
