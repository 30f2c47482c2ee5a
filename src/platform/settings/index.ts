export * from './settings';
export * from './settings.module';
export { SECRET_VARS, envSchema } from './settings.schema';
export * from './startup-report';
