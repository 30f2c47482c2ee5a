export * from './api-version';
export * from './configure-app';
export * from './shutdown';
export * from './listen';
export * from './body-deadline';
export * from './deprecation';
