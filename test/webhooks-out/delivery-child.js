// @ts-check
'use strict';
/**
 * The outgoing webhook worker of the built service (`dist/`) in a process of its own, so that a test can SIGKILL it
 * mid-delivery (kill-mid-delivery.spec.ts). It wires the same classes the module does — the BullMQ queue, the
 * delivery service, the sender — around an endpoint given in `KD_TEST_ENDPOINT` (JSON): both processes get the same
 * one, standing in for the durable endpoint store (MongoDB in production). `KD_TEST_EVENT` (JSON), when set, is
 * dispatched at start. `REDIS_URL`, `KD_TEST_WEBHOOKS_OUT_OPTIONS` (JSON over the defaults). Prints `ready`.
 */
require('reflect-metadata');
const { join } = require('node:path');
const Redis = require('ioredis').default;
const { Counter, Histogram, Registry } = require('prom-client');

const dist = join(__dirname, '..', '..', 'dist');
const { BullMqDeliveryQueue } = require(join(dist, 'modules', 'notification'));
const wo = require(join(dist, 'modules', 'webhooks-out'));

async function main() {
  const options = { ...wo.DEFAULT_WEBHOOKS_OUT_OPTIONS, ...JSON.parse(process.env.KD_TEST_WEBHOOKS_OUT_OPTIONS || '{}') };
  const url = process.env.REDIS_URL;
  const endpoint = JSON.parse(process.env.KD_TEST_ENDPOINT || '{}');
  endpoint.createdAt = new Date(endpoint.createdAt);
  endpoint.updatedAt = new Date(endpoint.updatedAt);
  const repository = new wo.InMemoryWebhookEndpointRepository();
  await repository.insert(endpoint);
  const queue = new BullMqDeliveryQueue(new Redis(url), new Redis(url, { maxRetriesPerRequest: null }), {
    concurrency: options.concurrency,
    attempts: options.retry.maxAttempts + 1,
    policy: options.retry,
    closeTimeoutMs: options.closeTimeoutMs,
    prefix: options.queuePrefix,
    name: options.queueName,
    operationTimeoutMs: options.queueTimeoutMs,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
  });
  const registers = [new Registry()];
  const sender = new wo.WebhookSender({ timeoutMs: options.requestTimeoutMs, policy: { allowPrivate: true } });
  const notices = { tellAdmins: async () => 'sent' };
  const delivery = new wo.WebhookDeliveryService(
    repository,
    sender,
    notices,
    options,
    new Counter({ name: 'a', help: 'a', labelNames: ['outcome'], registers }),
    new Histogram({ name: 's', help: 's', registers }),
    new Counter({ name: 'd', help: 'd', registers }),
  );
  queue.start((job, context) => delivery.handle(job, context));
  if (process.env.KD_TEST_EVENT) {
    const dispatched = await new wo.WebhookDispatcher(repository, queue).dispatch(JSON.parse(process.env.KD_TEST_EVENT));
    if (dispatched !== 1) throw new Error(`dispatched to ${dispatched} endpoints`);
  }
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    queue.close().then(() => process.exit(0), () => process.exit(1));
  });
}

main().catch((err) => {
  process.stderr.write(`delivery-child: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
