import { DiscordAPIError, Routes, type APIMessage, type Client, type TextChannel } from 'discord.js';
import { messageBody, notificationId } from '../../../src/modules/notification';
import type { FakeDiscord } from './fake-discord';
import { readyClient, shutdown, startFake, world } from './spec-helpers';
import type { FakeDiscordOptions } from './types';

const messagesPath = /^\/channels\/\d+\/messages$/;

describe('FakeDiscord message nonce (enforce_nonce) and held responses', () => {
  let fake: FakeDiscord;
  let client: Client<true> | undefined;
  let channel: TextChannel;

  const boot = async (options: FakeDiscordOptions = {}) => {
    fake = await startFake(options);
    client = await readyClient(fake, { rest: { timeout: 500, retries: 0 } });
    channel = client.channels.cache.get(world.channelA) as TextChannel;
  };
  const posts = () => fake.findCalls((call) => call.method === 'POST' && messagesPath.test(call.path));
  const contents = () => fake.channelMessages(world.channelA).map((m) => m.message.content);

  afterEach(async () => {
    await shutdown(fake, client);
    client = undefined;
  });

  it('returns the earlier message for a repeated nonce with enforce_nonce, and creates nothing new', async () => {
    await boot();
    const first = await channel.send({ content: 'once', nonce: 'n-1', enforceNonce: true });
    const again = await channel.send({ content: 'once (retry)', nonce: 'n-1', enforceNonce: true });
    expect(again.id).toBe(first.id);
    expect(again.content).toBe('once');
    expect(first.nonce).toBe('n-1');
    expect(contents()).toEqual(['once']);
    expect(posts().map((call) => call.status)).toEqual([200, 200]);
    expect((posts()[1].responseBody as APIMessage).id).toBe(first.id);
  });

  it('creates a new message without enforce_nonce, for another nonce, or once the window has passed', async () => {
    await boot({ nonceWindowMs: 300 });
    const a = await channel.send({ content: 'a', nonce: 'n-2' });
    const b = await channel.send({ content: 'b', nonce: 'n-2' }); // not enforced: Discord only echoes it
    const c = await channel.send({ content: 'c', nonce: 'n-3', enforceNonce: true });
    const d = await channel.send({ content: 'd', nonce: 'n-3', enforceNonce: true });
    expect(d.id).toBe(c.id);
    // Past the window without waiting for it: the fake's clock (Date.now) moves 350 ms ahead.
    const realNow = Date.now.bind(Date);
    const ahead = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 350);
    const e = await channel
      .send({ content: 'e', nonce: 'n-3', enforceNonce: true })
      .finally(() => ahead.mockRestore());
    expect(new Set([a.id, b.id, c.id, e.id]).size).toBe(4);
    expect(contents()).toEqual(['a', 'b', 'c', 'e']);
  });

  it('refuses a nonce longer than 25 characters (50035), as Discord does', async () => {
    await boot();
    const send = channel.send({ content: 'x', nonce: 'n'.repeat(26), enforceNonce: true });
    await expect(send).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(send).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(posts()[0].responseBody).toMatchObject({
      errors: { nonce: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });
    expect(contents()).toEqual([]);
  });

  it('dedupes the body the notification module sends (its notification id as nonce)', async () => {
    await boot();
    const body = messageBody({
      content: 'Recording ready',
      allowMentions: false,
      nonce: notificationId('k'),
    });
    expect(body).toMatchObject({ enforce_nonce: true, nonce: expect.stringMatching(/^[a-f0-9]{24}$/) });
    const route = Routes.channelMessages(world.channelA);
    const first = (await client!.rest.post(route, { body })) as APIMessage;
    const second = (await client!.rest.post(route, { body })) as APIMessage;
    expect(second.id).toBe(first.id);
    expect(contents()).toEqual(['Recording ready']);
  });

  it('holds a response: the message is stored, the client hears nothing; a retry with the nonce gets it', async () => {
    await boot();
    fake.holdResponseNext({ method: 'POST', path: messagesPath });
    // Inside jest @discordjs/rest does not retry the abort (see README): the caller sees its timeout.
    await expect(channel.send({ content: 'held', nonce: 'n-4', enforceNonce: true })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const [held] = posts();
    expect(held).toMatchObject({ fault: 'hold', status: 0, heldStatus: 200 });
    const stored = (held.responseBody as APIMessage).id;
    expect(fake.message(stored)?.message.content).toBe('held');
    expect(contents()).toEqual(['held']);

    const retry = await channel.send({ content: 'held', nonce: 'n-4', enforceNonce: true });
    expect(retry.id).toBe(stored);
    expect(contents()).toEqual(['held']);
    expect(posts().map((call) => [call.fault, call.status])).toEqual([
      ['hold', 0],
      [null, 200],
    ]);
  });

  it('holds the response of an edit too (applied, never answered); stop() releases held requests', async () => {
    await boot();
    const message = await channel.send({ content: 'before' });
    fake.holdResponseNext({ method: 'PATCH' });
    await expect(message.edit({ content: 'after' })).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.message(message.id)?.message.content).toBe('after');
    await client!.destroy();
    client = undefined;
    fake.holdResponseNext({ method: 'POST', path: messagesPath });
    const pending = fetch(`${fake.apiUrl}/v10/channels/${world.channelA}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bot ${fake.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: 'late' }),
    });
    await fake.waitForCall((call) => call.fault === 'hold' && call.method === 'POST');
    await fake.stop(); // does not wait for the held request: it is cut
    await expect(pending).rejects.toThrow();
    expect(fake.channelMessages(world.channelA).map((m) => m.message.content)).toEqual(['after', 'late']);
  });
});
