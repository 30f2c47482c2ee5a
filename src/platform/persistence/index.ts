export * from './persistence.module';
export * from './schema-migrations';
export { MONGO_MIGRATIONS, SCHEMA_COLLECTION } from './mongo-migrations';
