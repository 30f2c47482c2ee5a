import mongoose from 'mongoose';
import { MemoryApiKeyRepository } from '../../src/modules/auth/persistence/api-key.memory.repository';
import { MongoApiKeyRepository } from '../../src/modules/auth/persistence/api-key.mongo.repository';
import { MemoryIdentityRepository } from '../../src/modules/auth/persistence/identity.memory.repository';
import { MongoIdentityRepository } from '../../src/modules/auth/persistence/identity.mongo.repository';
import { MemoryRefreshTokenRepository } from '../../src/modules/auth/persistence/refresh-token.memory.repository';
import { MongoRefreshTokenRepository } from '../../src/modules/auth/persistence/refresh-token.mongo.repository';
import { apiKeyRepositoryContract } from '../contracts/api-key.contract';
import { identityRepositoryContract } from '../contracts/identity.contract';
import { refreshTokenRepositoryContract } from '../contracts/refresh-token.contract';

const memory =
  <T>(repo: T) =>
  async () => ({ repo, close: async () => undefined });

identityRepositoryContract('memory', memory(new MemoryIdentityRepository()));
apiKeyRepositoryContract('memory', memory(new MemoryApiKeyRepository()));
refreshTokenRepositoryContract('memory', memory(new MemoryRefreshTokenRepository()));

const MONGODB_URI = process.env.MONGODB_URI;

/** A connection to a fresh database per suite, dropped afterwards. */
const mongo =
  <T>(build: (c: mongoose.Connection) => T) =>
  async () => {
    const connection = await mongoose
      .createConnection(MONGODB_URI as string, { dbName: `kd_auth_test_${process.pid}_${Date.now()}` })
      .asPromise();
    return {
      repo: build(connection),
      close: async () => {
        await connection.dropDatabase();
        await connection.close();
      },
    };
  };

if (MONGODB_URI) {
  identityRepositoryContract(
    'mongo',
    mongo((c) => new MongoIdentityRepository(c)),
  );
  apiKeyRepositoryContract(
    'mongo',
    mongo((c) => new MongoApiKeyRepository(c)),
  );
  refreshTokenRepositoryContract(
    'mongo',
    mongo((c) => new MongoRefreshTokenRepository(c)),
  );
} else {
  describe.skip('auth repositories against MongoDB: MONGODB_URI is unset (no MongoDB server can be installed on the build machines; set MONGODB_URI to run these)', () => {
    it('runs the identity, API key and refresh token contracts against MongoDB', () => undefined);
  });
}
