import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Migration, SchemaCollection, SchemaMigrator } from './schema-migrations';

/** Where the schema version and its history live (one document). */
export const SCHEMA_COLLECTION = 'schema_migrations';

/**
 * The MongoDB schema's forward migrations, in order. Append only: a released migration is never edited or
 * removed, and each must be safe to run again. docs/data.md lists them.
 */
export const MONGO_MIGRATIONS: ReadonlyArray<Migration<Connection>> = [
  {
    version: 1,
    name: 'indexes of the Mongoose collections',
    // Awaited here, so a start-up fails on an index that cannot be built (Mongoose's autoIndex only emits an
    // event). Idempotent: createIndexes leaves existing identical indexes alone.
    up: async (connection) => {
      await Promise.all(Object.values(connection.models).map((model) => model.createIndexes()));
    },
  },
];

/** Runs the migrations when the application initialises, after every repository has registered its model. */
@Injectable()
export class MongoSchemaMigrations implements OnModuleInit {
  private readonly log = new Logger('persistence');

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    const collection = this.connection.collection(SCHEMA_COLLECTION) as unknown as SchemaCollection;
    const { from, to } = await new SchemaMigrator(collection, MONGO_MIGRATIONS).migrate(this.connection);
    this.log.log(from === to ? `Schema version ${to}` : `Schema version ${to} (migrated from ${from})`);
  }
}
