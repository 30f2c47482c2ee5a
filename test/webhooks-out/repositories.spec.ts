import mongoose from 'mongoose';
import {
  InMemoryWebhookEndpointRepository,
  MongoWebhookEndpointRepository,
} from '../../src/modules/webhooks-out';
import { webhookEndpointRepositoryContract } from '../contracts/webhook-endpoint.contract';

webhookEndpointRepositoryContract('memory', async () => ({
  repo: new InMemoryWebhookEndpointRepository(),
  close: async () => undefined,
}));

const MONGODB_URI = process.env.MONGODB_URI;
if (MONGODB_URI) {
  webhookEndpointRepositoryContract('mongo', async () => {
    const connection = await mongoose
      .createConnection(MONGODB_URI, { dbName: `kd_webhooks_out_test_${process.pid}_${Date.now()}` })
      .asPromise();
    return {
      repo: new MongoWebhookEndpointRepository(connection),
      close: async () => {
        await connection.dropDatabase();
        await connection.close();
      },
    };
  });
} else {
  describe.skip('webhook endpoint repository against MongoDB: MONGODB_URI is unset (set it to run this contract)', () => {
    it('runs the webhook endpoint contract against MongoDB', () => undefined);
  });
}
