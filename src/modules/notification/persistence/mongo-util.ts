import type { Connection, Model, Schema } from 'mongoose';

/** The model for `name` on this connection, registered once (several repositories may share a connection). */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** MongoDB's duplicate-key error (two upserts racing on one `_id`). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** Days → seconds, for TTL indexes. */
export const days = (n: number) => n * 86_400;
