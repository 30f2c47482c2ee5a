import {
  bootFullApp,
  configDirWith,
  originalContent,
  settled,
  world,
  type FullApp,
} from '../support/full-app';

jest.setTimeout(30_000);

const at = { guildId: world.guildId, channelId: world.channelId };

describe('commands switched off for a guild', () => {
  let t: FullApp;

  beforeAll(async () => {
    t = await bootFullApp({
      kaltura: 'sandbox',
      env: { CONFIG_DIR: configDirWith((config) => void (config.commands.enabled = false)) },
    });
  });
  afterAll(() => t?.close());

  it('refuses the meeting commands and buttons, even to admins, but keeps help', async () => {
    for (const userId of [world.viewer, world.admin]) {
      const list = await settled(t.discord.sendSlashCommand({ ...at, userId, name: 'kaltura-list' }));
      expect(originalContent(list)).toBe('Kaltura commands are switched off in this server.');
    }
    const click = await settled(
      t.discord.clickButton({ ...at, userId: world.viewer, customId: 'meeting/join/AAAAAAAAAA' }),
    );
    expect(originalContent(click)).toBe('Kaltura commands are switched off in this server.');
    const help = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-help' }),
    );
    expect(help.original?.message.embeds[0]?.title).toBe('Kaltura meetings: commands');
  });
});
