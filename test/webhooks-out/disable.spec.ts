import request from 'supertest';
import { register } from 'prom-client';
import { EventBus } from '../../src/platform/events';
import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../fakes/discord';
import { tempConfigDir } from '../notification/support/app';
import { eventually } from '../support/eventually';
import { Receiver, bearerFor, bootWebhooksApp, webhooksQueueDrained } from './support';

jest.setTimeout(30_000);

const guildId = snowflakeForShard(0, 1);
const general = fakeSnowflake();
const POSTS = /^\/channels\/\d+\/messages$/;

/**
 * A receiver that keeps failing: after `disableAfterFailures` failed requests in a row the endpoint is disabled, the
 * metric counts it, and the guild's admins are told in the server's system channel (fake Discord), once.
 */
describe('outgoing webhooks: an endpoint that keeps failing is disabled and the admins are told', () => {
  let fake: FakeDiscord;
  let t: Awaited<ReturnType<typeof bootWebhooksApp>>;
  const receiver = new Receiver();
  /** A healthy endpoint of the same guild: it receives every event, so it shows when one has been dispatched. */
  const witness = new Receiver();

  beforeAll(async () => {
    fake = new FakeDiscord({
      heartbeatIntervalMs: 1000,
      guilds: [
        {
          id: guildId,
          name: 'Hooks guild',
          systemChannelId: general,
          channels: [{ id: general, name: 'general' }],
        },
      ],
    });
    const { apiUrl } = await fake.start();
    await receiver.start();
    await witness.start();
    t = await bootWebhooksApp(
      {
        OUTGOING_WEBHOOKS_ALLOW_PRIVATE: 'on',
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: apiUrl,
        CONFIG_DIR: tempConfigDir(),
      },
      { disableAfterFailures: 3, retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 50, jitter: 0 } },
    );
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
    await witness.stop();
    await fake?.stop();
  });

  const disabledTotal = async () =>
    (await register.getSingleMetric('kd_webhooks_out_endpoints_disabled_total')?.get())?.values[0]?.value ??
    0;

  it('disables it after 3 failed requests, counts it, posts one notice, and sends nothing more', async () => {
    const admin = bearerFor(t.app, [guildId]);
    const http = () => request(t.app.getHttpServer());
    const created = await http()
      .post(`/api/v1/guilds/${guildId}/webhooks`)
      .set(admin)
      .send({ url: `${receiver.url}/broken`, eventTypes: ['*'] })
      .expect(201);
    const id = created.body.webhook.id as string;
    await http()
      .post(`/api/v1/guilds/${guildId}/webhooks`)
      .set(admin)
      .send({ url: `${witness.url}/ok`, eventTypes: ['*'] })
      .expect(201);
    const before = await disabledTotal();
    receiver.answer(500, 502, 503, 500, 500, 500);
    const publish = () =>
      t.app.get(EventBus).publish({
        type: 'config.changed',
        version: 1,
        guildId,
        audience: 'admin',
        data: {},
      });
    await publish();
    const view = await eventually(
      async () => {
        const res = await http().get(`/api/v1/guilds/${guildId}/webhooks/${id}`).set(admin).expect(200);
        return res.body.webhook.enabled === false && res.body.webhook;
      },
      10_000,
      'the endpoint disabled',
    );
    expect(view).toMatchObject({
      consecutiveFailures: 3,
      disabledReason: '3 failed requests in a row (last: HTTP 503)',
    });
    expect(await disabledTotal()).toBe(before + 1);
    const notice = await fake.waitForCall(
      (c) => c.method === 'POST' && c.path === `/channels/${general}/messages`,
      5_000,
    );
    expect((notice.body as { content: string }).content).toContain(
      `An outgoing webhook of this server was disabled: 3 requests in a row to \`127.0.0.1:${new URL(receiver.url).port}\``,
    );
    // Further events are not sent to a disabled endpoint, and the admins are not told twice.
    const later = await publish();
    // Dispatched (the witness got it: both endpoints' jobs are queued together), and every job has run.
    await eventually(
      () => witness.received.some((r) => r.headers['webhook-id'] === later.id),
      5_000,
      'the witness to receive the later event',
    );
    await webhooksQueueDrained(t.app);
    expect(receiver.received).toHaveLength(3);
    expect(fake.findCalls((c) => c.method === 'POST' && POSTS.test(c.path))).toHaveLength(1);
    // Re-enabling clears the failures; the next event goes through.
    const resumed = await http()
      .patch(`/api/v1/guilds/${guildId}/webhooks/${id}`)
      .set(admin)
      .send({ enabled: true })
      .expect(200);
    expect(resumed.body.webhook).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
      disabledReason: null,
    });
    receiver.answer(204);
    await publish();
    await eventually(() => receiver.received.length === 4, 5_000, 'the delivery after re-enabling');
  });
});
