import { DynamicModule, Global, Logger, Module, Provider } from '@nestjs/common';
import { MongooseModule, getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Settings } from '../settings';
import { MongoSchemaMigrations } from './mongo-migrations';

/** The MongoDB connection when `MONGODB_URI` is set, `null` on in-memory storage. */
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

type Abstract<T> = abstract new (...args: never[]) => T;

/**
 * Binds a repository port (an abstract class used as the injection token) to the adapter for the configured
 * store: every stored thing in the service is reached this way, so the choice is made once, at start-up.
 */
export function repositoryProvider<T>(
  port: Abstract<T>,
  adapters: { memory: () => T; mongo: (connection: Connection) => T },
): Provider {
  return {
    provide: port,
    inject: [MONGO_CONNECTION],
    useFactory: (connection: Connection | null) =>
      connection ? adapters.mongo(connection) : adapters.memory(),
  };
}

/** Storage wiring: MongoDB through @nestjs/mongoose when configured, otherwise nothing to connect. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(settings: Settings): DynamicModule {
    if (settings.storage.kind === 'memory') {
      return {
        module: PersistenceModule,
        providers: [{ provide: MONGO_CONNECTION, useValue: null }],
        exports: [MONGO_CONNECTION],
      };
    }
    const logger = new Logger('persistence');
    return {
      module: PersistenceModule,
      imports: [
        MongooseModule.forRoot(settings.storage.mongoUri as string, {
          serverSelectionTimeoutMS: 5_000,
          connectTimeoutMS: 5_000,
          socketTimeoutMS: 30_000,
          retryAttempts: 10,
          retryDelay: 2_000,
          connectionFactory: (connection: Connection) => {
            connection.on('connected', () => logger.log('MongoDB connected'));
            connection.on('disconnected', () => logger.warn('MongoDB disconnected'));
            connection.on('error', (err: Error) => logger.error({ err }, 'MongoDB error'));
            return connection;
          },
        }),
      ],
      providers: [
        { provide: MONGO_CONNECTION, useExisting: getConnectionToken() },
        // The schema version and forward migrations (docs/data.md), applied before the service serves.
        MongoSchemaMigrations,
      ],
      exports: [MONGO_CONNECTION],
    };
  }
}
