import mongoose from 'mongoose';
import {
  MONGO_MIGRATIONS,
  SCHEMA_COLLECTION,
  SchemaCollection,
  SchemaMigrator,
} from '../../src/platform/persistence';

// The runner against a real MongoDB collection (the unit tests use an in-memory fake of the same driver calls).
const MONGODB_URI = process.env.MONGODB_URI;

(MONGODB_URI ? describe : describe.skip)(
  MONGODB_URI
    ? 'schema migrations against MongoDB'
    : 'schema migrations against MongoDB: MONGODB_URI is unset (set it to run these)',
  () => {
    let connection: mongoose.Connection;
    beforeAll(async () => {
      connection = await mongoose
        .createConnection(MONGODB_URI as string, { dbName: `kd_schema_test_${process.pid}_${Date.now()}` })
        .asPromise();
      connection.model('Probe', new mongoose.Schema({ a: Number }).index({ a: 1 }), 'probe');
    });
    afterAll(async () => {
      await connection?.dropDatabase();
      await connection?.close();
    });

    it('brings an empty database to the newest version, once, with two replicas racing', async () => {
      const collection = connection.collection(SCHEMA_COLLECTION) as unknown as SchemaCollection;
      const replicas = [0, 1].map(() => new SchemaMigrator(collection, MONGO_MIGRATIONS, { pollMs: 50 }));
      const results = await Promise.all(replicas.map((r) => r.migrate(connection)));
      for (const r of results) expect(r.to).toBe(MONGO_MIGRATIONS.length);
      const state = await collection.findOne({ _id: 'schema' });
      expect(state?.history.map((h) => h.version)).toEqual(MONGO_MIGRATIONS.map((m) => m.version));
      const indexes = await connection.collection('probe').indexes();
      expect(indexes.map((i) => i.name)).toContain('a_1');
    });
  },
);
