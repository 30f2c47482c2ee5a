import type { Collection, Connection } from 'mongoose';
import type { Document, IndexDescription } from 'mongodb';

/**
 * A collection of the auth module with its indexes created once, before the first query (the connection
 * buffers commands until it is open, so this is safe to call at start-up).
 */
export class AuthCollection<T extends Document> {
  private ready?: Promise<unknown>;
  private readonly collection: Collection<T>;

  constructor(
    connection: Connection,
    name: string,
    private readonly indexes: IndexDescription[],
  ) {
    this.collection = connection.collection<T>(name);
  }

  async get(): Promise<Collection<T>> {
    this.ready ??= this.collection.createIndexes(this.indexes).catch((err: unknown) => {
      // Let the next call try again rather than remembering a failure forever.
      this.ready = undefined;
      throw err;
    });
    await this.ready;
    return this.collection;
  }
}
