import { MeetingsService } from '../../src/modules/meetings';
import { parseKs } from '../../src/modules/kaltura';
import {
  bootFullApp,
  configDirWith,
  linkButtonUrl,
  originalContent,
  settled,
  world,
  type FullApp,
} from '../support/full-app';

jest.setTimeout(30_000);

const at = { guildId: world.guildId, channelId: world.channelId };

describe('command permissions from the guild configuration, checked in code', () => {
  let t: FullApp;

  beforeAll(async () => {
    const dir = configDirWith((config) => {
      config.commands.permissions['kaltura-start'] = ['Hosts']; // by role name
      config.commands.permissions['kaltura-list'] = [world.hostsRoleId]; // by role id
      config.roles.mapping = { Moderators: 'moderator' };
    });
    t = await bootFullApp({ env: { CONFIG_DIR: dir } });
  });
  afterAll(() => t?.close());

  it('refuses a member without an allowed role, ephemerally, before anything is created', async () => {
    const handle = t.discord.sendSlashCommand({
      ...at,
      userId: world.viewer,
      name: 'kaltura-start',
      options: { type: 'meeting', title: 'Not allowed' },
    });
    const done = await settled(handle);
    expect(done.callback?.elapsedMs).toBeLessThan(3000);
    expect(done.original?.ephemeral).toBe(true);
    expect(originalContent(done)).toBe("You don't have a role that may use /kaltura-start in this server.");
    expect(done.followups).toEqual([]);
    expect(t.discord.publicMessages(world.channelId, 'Not allowed')).toEqual([]);
    expect(t.kaltura!.callsTo('schedule_scheduleresource', 'add')).toEqual([]);

    const list = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' }),
    );
    expect(originalContent(list)).toBe("You don't have a role that may use /kaltura-list in this server.");
  });

  it('lets members with the role (by name or id) and server managers through', async () => {
    t.discord.sendSlashCommand({
      ...at,
      userId: world.host,
      name: 'kaltura-start',
      options: { type: 'classroom', title: 'Allowed' },
    });
    const card = await t.discord.waitForPublicMessage(world.channelId, 'Allowed', 10_000);
    expect(card.message.embeds[0].title).toBe('Allowed');
    const list = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.host, name: 'kaltura-list' }),
    );
    expect(list.original?.message.embeds[0]?.title).toBe('1 meeting running');
    const admin = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.admin, name: 'kaltura-list' }),
    );
    expect(admin.original?.message.embeds[0]?.title).toBe('1 meeting running');
  });

  it('maps Discord roles to Kaltura roles: a mapped moderator joins with host controls but cannot end', async () => {
    const [meeting] = await t.app.get(MeetingsService).listActive(world.guildId);
    const join = await settled(
      t.discord.sendSlashCommand({
        ...at,
        userId: world.moderator,
        name: 'kaltura-join',
        options: { 'meeting-id': meeting.id },
      }),
    );
    expect(originalContent(join)).toContain('you join as **moderator (host controls)**');
    const ks = parseKs(
      new URL(linkButtonUrl(join.original?.message)!).searchParams.get('ks')!,
      t.kaltura!.adminSecret,
    );
    expect(ks.privileges).toMatchObject({ role: 'adminRole', userContextualRole: '0' });

    const end = await settled(
      t.discord.sendSlashCommand({
        ...at,
        userId: world.moderator,
        name: 'kaltura-end',
        options: { 'meeting-id': meeting.id },
      }),
    );
    expect(originalContent(end)).toBe('Only the host or an admin can end this meeting.');
  });

  it('lets an admin end a meeting they do not host', async () => {
    const [meeting] = await t.app.get(MeetingsService).listActive(world.guildId);
    const end = await settled(
      t.discord.clickButton({ ...at, userId: world.admin, customId: `meeting/end/${meeting.id}` }),
    );
    expect(originalContent(end)).toMatch(/has ended after/);
    expect((await t.app.get(MeetingsService).get(world.guildId, meeting.id)).endedBy).toBe(world.admin);
  });
});
