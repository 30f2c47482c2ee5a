import { once } from 'node:events';
import {
  Client,
  Events,
  REST,
  RESTEvents,
  Routes,
  type ChatInputCommandInteraction,
  type RateLimitData,
  type TextChannel,
} from 'discord.js';
import {
  INTERACTION_LANE_REQUESTS_PER_SECOND,
  installInteractionWebhookLane,
  isInteractionWebhook,
} from '../../src/modules/discord/interaction-webhook.lane';
import type { FakeDiscord } from '../fakes/discord';
import { readyClient, shutdown, startFake, world } from '../fakes/discord/spec-helpers';

jest.setTimeout(20_000);

/**
 * As after Discord's global 429: for `forMs`, @discordjs/rest holds every request counted against the global
 * budget (it sleeps until the reset; the wait cannot be cut short).
 */
function exhaustGlobalBudget(client: Client, forMs: number): void {
  client.rest.globalRemaining = 0;
  client.rest.globalReset = Date.now() + forMs;
}

/** Resolves when discord.js reports holding a `method` request behind the global limit (before it waits). */
const heldGlobally = (client: Client, method: string): Promise<RateLimitData> =>
  new Promise((resolve) => {
    const onLimited = (data: RateLimitData) => {
      if (!data.global || data.method.toUpperCase() !== method) return;
      client.rest.off(RESTEvents.RateLimited, onLimited);
      resolve(data);
    };
    client.rest.on(RESTEvents.RateLimited, onLimited);
  });

describe('interaction webhook lane (real discord.js against the fake Discord)', () => {
  let fake: FakeDiscord;
  let client: Client<true>;
  let uninstall: (() => void) | undefined;

  beforeEach(async () => {
    fake = await startFake();
    client = await readyClient(fake);
  });
  afterEach(async () => {
    uninstall?.();
    uninstall = undefined;
    await shutdown(fake, client);
  });

  /** Dispatches `/kaltura-join` and returns the interaction as the client sees it, deferred (the callback). */
  async function deferredInteraction(): Promise<{
    interaction: ChatInputCommandInteraction;
    handle: ReturnType<FakeDiscord['sendSlashCommand']>;
  }> {
    const received = once(client, Events.InteractionCreate);
    const handle = fake.sendSlashCommand({
      guildId: world.guildA,
      channelId: world.channelA,
      userId: world.bob,
      name: 'kaltura-join',
      options: { 'meeting-id': 'abc' },
    });
    const [interaction] = (await received) as [ChatInputCommandInteraction];
    await interaction.deferReply();
    return { interaction, handle };
  }

  it('sends reply edits and followups while the bot-wide global budget is spent; bot calls still wait', async () => {
    uninstall = installInteractionWebhookLane(client).uninstall;
    const { interaction, handle } = await deferredInteraction();
    exhaustGlobalBudget(client, 3_000);

    const channel = client.channels.cache.get(world.channelA) as TextChannel;
    const held = heldGlobally(client, 'POST');
    const botCall = channel.send({ content: 'a bot message, bound by the global limit' });
    await interaction.editReply({ content: 'your link' });
    await interaction.followUp({ content: 'and a followup' });

    const responses = handle.responses();
    expect(responses.edits.map((e) => e.body)).toEqual([expect.objectContaining({ content: 'your link' })]);
    expect(responses.followups).toHaveLength(1);
    // The bot message is held by the global budget (discord.js says so before it waits): the lane did not take it.
    expect(await Promise.race([held.then(() => 'held'), botCall.then(() => 'sent')])).toBe('held');
    expect(
      fake.findCalls((c) => c.method === 'POST' && c.path === `/channels/${world.channelA}/messages`),
    ).toEqual([]);
    expect((await botCall).content).toContain('a bot message');
  });

  it('without the lane, discord.js holds the edit behind the global budget (the premise of the lane)', async () => {
    const { interaction, handle } = await deferredInteraction();
    exhaustGlobalBudget(client, 2_000);
    const held = heldGlobally(client, 'PATCH');
    const edit = interaction.editReply({ content: 'your link' });
    expect(await Promise.race([held.then(() => 'held'), edit.then(() => 'sent')])).toBe('held');
    expect(handle.responses().edits).toHaveLength(0);
    await edit;
    expect(handle.responses().edits).toHaveLength(1);
  });

  it("reports the lane's rate limits and responses on the client's manager (metrics and logs see them)", async () => {
    const installed = installInteractionWebhookLane(client);
    uninstall = installed.uninstall;
    const { interaction } = await deferredInteraction();
    const limits: RateLimitData[] = [];
    const paths: string[] = [];
    client.rest.on(RESTEvents.RateLimited, (data) => limits.push(data));
    client.rest.on(RESTEvents.Response, (request) => paths.push(request.path));
    fake.rateLimitNext({ method: 'PATCH', path: /^\/webhooks\//, retryAfter: 0.2 });
    await interaction.editReply({ content: 'after the 429' });
    expect(limits).toEqual([
      expect.objectContaining({ global: false, route: '/webhooks/:id/:token/messages/%40original' }),
    ]);
    expect(paths.filter((p) => p.startsWith('/webhooks/'))).toHaveLength(2);
    // Sent (and rate-limited) by the lane's handlers, not the client's.
    const webhookHandlers = (rest: REST) => [...rest.handlers.keys()].filter((k) => k.includes('/webhooks/'));
    expect(webhookHandlers(installed.lane)).toHaveLength(1);
    expect(webhookHandlers(client.rest)).toHaveLength(0);
  });

  it('uses its own global budget, and uninstall puts the client back', () => {
    const { lane, uninstall: undo } = installInteractionWebhookLane(client);
    expect(lane.options.globalRequestsPerSecond).toBe(INTERACTION_LANE_REQUESTS_PER_SECOND);
    expect(lane.options.api).toBe(fake.apiUrl);
    expect(client.rest.queueRequest).not.toBe(REST.prototype.queueRequest);
    undo();
    expect(client.rest.queueRequest).toBe(REST.prototype.queueRequest);
  });
});

describe('isInteractionWebhook', () => {
  const app = '111111111111111111';
  it.each([
    [Routes.webhookMessage(app, 'token', '@original'), false, true],
    [Routes.webhook(app, 'token'), false, true],
    [Routes.webhookMessage(app, 'token', '@original'), true, false],
    [Routes.webhook('222222222222222222', 'token'), false, false],
    [Routes.interactionCallback(app, 'token'), false, false],
    [Routes.channelMessages(app), true, false],
  ])('%s (auth %s) → %s', (fullRoute, auth, expected) => {
    expect(isInteractionWebhook({ fullRoute, auth }, app)).toBe(expected);
  });
});
