import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { FileConfigStore } from '../../src/modules/config/persistence/file-config.store';
import {
  MemoryConfigAuditLog,
  MemoryConfigStore,
} from '../../src/modules/config/persistence/memory-config.store';
import {
  MongoConfigAuditLog,
  MongoConfigStore,
} from '../../src/modules/config/persistence/mongo-config.store';
import { configAuditContract, configStoreContract } from '../contracts/config-store.contract';

configStoreContract('memory', async () => ({ store: new MemoryConfigStore(), close: async () => undefined }));
configAuditContract('memory', async () => ({
  audit: new MemoryConfigAuditLog(),
  close: async () => undefined,
}));

configStoreContract('files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-config-store-'));
  const store = new FileConfigStore(join(dir, 'overrides'));
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const MONGODB_URI = process.env.MONGODB_URI;
if (MONGODB_URI) {
  const connect = async () =>
    mongoose.createConnection(MONGODB_URI, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  configStoreContract('mongo', async () => {
    const connection = await connect();
    return { store: new MongoConfigStore(connection), close: () => connection.close() };
  });
  configAuditContract('mongo', async () => {
    const connection = await connect();
    return { audit: new MongoConfigAuditLog(connection), close: () => connection.close() };
  });
} else {
  describe.skip('config store and audit contracts: mongo (MONGODB_URI is unset; MongoDB cannot be installed on the build machines)', () => {
    it('runs when MONGODB_URI points at a MongoDB server', () => undefined);
  });
}
