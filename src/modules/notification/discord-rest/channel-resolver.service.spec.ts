import { createCache } from 'cache-manager';
import { DEFAULT_NOTIFICATION_OPTIONS } from '../notification.options';
import { ChannelResolver } from './channel-resolver.service';
import { PermanentDeliveryError } from './discord-errors';
import type { DiscordChannelInfo, DiscordMessages } from './discord-messages';

const GUILD = '700000000000000001';

function resolverWith(channels: DiscordChannelInfo[]) {
  const discord = {
    available: true,
    guildChannels: jest.fn(async () => channels),
    postMessage: jest.fn(() => Promise.reject(new Error('unplanned call'))),
    close: jest.fn(),
  } as unknown as DiscordMessages;
  const cache = createCache();
  return { resolver: new ChannelResolver(discord, cache, DEFAULT_NOTIFICATION_OPTIONS), cache };
}

describe('ChannelResolver: prototype-free name lookups', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'does not resolve %s to an Object.prototype member when no such channel exists',
    async (name) => {
      const { resolver } = resolverWith([{ id: '710000000000000001', name: 'general', type: 0 }]);
      await expect(resolver.resolve(GUILD, name)).rejects.toBeInstanceOf(PermanentDeliveryError);
      // Second time through the cached map.
      await expect(resolver.resolve(GUILD, `#${name}`)).rejects.toBeInstanceOf(PermanentDeliveryError);
    },
  );

  it('resolves channels really named constructor or __proto__ to their ids', async () => {
    const { resolver } = resolverWith([
      { id: '710000000000000002', name: 'constructor', type: 0 },
      { id: '710000000000000003', name: '__proto__', type: 0 },
    ]);
    await expect(resolver.resolve(GUILD, 'constructor')).resolves.toBe('710000000000000002');
    await expect(resolver.resolve(GUILD, '#__proto__')).resolves.toBe('710000000000000003');
  });
});
