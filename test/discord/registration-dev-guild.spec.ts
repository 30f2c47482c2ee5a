import { bootFullApp, world, type FullApp } from '../support/full-app';

const MEETING_COMMANDS = ['kaltura-end', 'kaltura-help', 'kaltura-join', 'kaltura-list', 'kaltura-start'];

describe('command registration', () => {
  describe('to the development guild (DISCORD_DEV_GUILD_ID)', () => {
    let t: FullApp;
    beforeAll(async () => {
      t = await bootFullApp({ kaltura: 'sandbox', env: { DISCORD_DEV_GUILD_ID: world.guildId } });
    });
    afterAll(() => t?.close());

    it('registers the commands to that guild only', () => {
      expect(t.discord.commands(world.guildId).map((c) => c.name)).toEqual(
        expect.arrayContaining(MEETING_COMMANDS),
      );
      expect(t.discord.commands()).toEqual([]);
      expect(t.discord.findCalls((c) => c.route === 'PUT /applications/:app/commands')).toEqual([]);
    });
  });
});
