import { ConsoleLogger, Logger } from '@nestjs/common';
import { createCache } from 'cache-manager';
import type { Client } from 'discord.js';
import type { Meeting } from '../../meetings';
import { ChannelSuspensions } from '../../notification';
import { MeetingMessageUpdater } from './meeting-message.updater';

const ended: Meeting = {
  id: 'AbC123xYz0',
  guildId: '1',
  channelId: '222',
  messageId: '333',
  hostId: '4',
  hostName: 'Hana',
  title: 'Standup',
  description: null,
  type: 'meeting',
  status: 'ended',
  kaltura: { resourceId: 1 },
  createdAt: new Date('2025-03-01T10:00:00Z'),
  endedAt: new Date('2025-03-01T10:20:00Z'),
  endedBy: '4',
};
const discordError = (code: number) => Object.assign(new Error('refused'), { code, status: 400 });

function setup() {
  const rest = { patch: jest.fn().mockResolvedValue({}), post: jest.fn().mockResolvedValue({}) };
  const suspensions = new ChannelSuspensions(createCache());
  return {
    rest,
    suspensions,
    updater: new MeetingMessageUpdater({ rest } as unknown as Client, suspensions),
  };
}

describe('MeetingMessageUpdater', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('edits the meeting message to its ended form', async () => {
    const { rest, updater } = setup();
    await updater.onEnded({ meeting: ended, endedBy: 'kaltura' });
    expect(rest.patch).toHaveBeenCalledWith('/channels/222/messages/333', {
      body: expect.objectContaining({ components: [], allowed_mentions: { parse: [] } }),
    });
    expect(rest.post).not.toHaveBeenCalled();
  });

  it('retries an edit refused with 30046 ("try again later") instead of replying (issue 26 item 9)', async () => {
    const { rest, updater } = setup();
    updater.retryDelaysMs = [1, 1];
    rest.patch.mockRejectedValueOnce(discordError(30046)).mockRejectedValueOnce(discordError(30046));
    await updater.onEnded({ meeting: ended, endedBy: 'kaltura' });
    await new Promise<void>((resolve) => {
      const check = () => (rest.patch.mock.calls.length >= 3 ? resolve() : setTimeout(check, 1));
      check();
    });
    await new Promise((r) => setImmediate(r));
    expect(rest.patch).toHaveBeenCalledTimes(3);
    expect(rest.post).not.toHaveBeenCalled();
  });

  it('replies (once, with an enforced nonce) when 30046 outlasts the retries', async () => {
    const { rest, updater } = setup();
    updater.retryDelaysMs = [1];
    rest.patch.mockRejectedValue(discordError(30046));
    await updater.onEnded({ meeting: ended, endedBy: 'kaltura' });
    await new Promise<void>((resolve) => {
      const check = () => (rest.post.mock.calls.length >= 1 ? resolve() : setTimeout(check, 1));
      check();
    });
    expect(rest.patch).toHaveBeenCalledTimes(2);
    expect(rest.post).toHaveBeenCalledWith('/channels/222/messages', {
      body: expect.objectContaining({ nonce: 'end-AbC123xYz0', enforce_nonce: true }),
    });
  });

  it.each([10008, 50005])('replies in the channel when Discord refuses the edit (%d)', async (code) => {
    const { rest, updater } = setup();
    rest.patch.mockRejectedValueOnce(discordError(code));
    await updater.onEnded({ meeting: ended, endedBy: { id: '4', displayName: 'Hana' } });
    expect(rest.post).toHaveBeenCalledWith('/channels/222/messages', {
      body: {
        content: '**Standup** has ended after 20 min.',
        message_reference: { message_id: '333', fail_if_not_exists: false },
        allowed_mentions: { parse: [] },
        nonce: 'end-AbC123xYz0',
        enforce_nonce: true,
      },
    });
  });

  it.each([50001, 50013, 10003])(
    'does not reply in a channel that refused the edit for the channel itself (%d): another 403 would follow',
    async (code) => {
      const { rest, updater } = setup();
      rest.patch.mockRejectedValueOnce(
        Object.assign(new Error('refused'), { code, status: code === 10003 ? 404 : 403 }),
      );
      await updater.onEnded({ meeting: ended, endedBy: 'kaltura' });
      expect(rest.post).not.toHaveBeenCalled();
    },
  );

  it('suspends a channel that refused the edit (403), like notification delivery does (issue 26 item 11)', async () => {
    const { rest, updater, suspensions } = setup();
    rest.patch.mockRejectedValueOnce(Object.assign(new Error('refused'), { code: 50013, status: 403 }));
    await updater.onEnded({ meeting: ended, endedBy: 'kaltura' });
    expect(await suspensions.suspension('222')).toContain('50013');
  });

  it('makes no request at all to a suspended channel (no edit, no reply): it would only be refused again', async () => {
    const { rest, updater, suspensions } = setup();
    await suspensions.suspend('1', '222', 'Missing Access');
    await updater.onEnded({ meeting: ended, endedBy: 'kaltura' });
    expect(rest.patch).not.toHaveBeenCalled();
    expect(rest.post).not.toHaveBeenCalled();
  });

  it('never throws, even when the channel is gone too', async () => {
    const { rest, updater } = setup();
    rest.patch.mockRejectedValueOnce(discordError(10003));
    rest.post.mockRejectedValueOnce(discordError(10003));
    await expect(updater.onEnded({ meeting: ended, endedBy: 'kaltura' })).resolves.toBeUndefined();
  });

  it('does nothing for a meeting without a message (created through REST)', async () => {
    const { rest, updater } = setup();
    await updater.onEnded({ meeting: { ...ended, messageId: null }, endedBy: 'kaltura' });
    expect(rest.patch).not.toHaveBeenCalled();
  });
});
