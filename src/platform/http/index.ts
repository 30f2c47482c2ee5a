export * from './configure-app';
export * from './shutdown';
