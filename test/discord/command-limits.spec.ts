import { MeetingsService } from '../../src/modules/meetings';
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

describe('command limits through Discord (whole app, fake Discord)', () => {
  let t: FullApp;

  beforeAll(async () => {
    t = await bootFullApp({
      kaltura: 'sandbox',
      env: {
        CONFIG_DIR: configDirWith((config) => {
          config.limits.commands = { perMember: 4, perGuild: 100, windowSeconds: 60 };
        }),
      },
    });
  });
  afterAll(() => t?.close());

  it('answers an identical second start with the same meeting and posts no second message', async () => {
    const send = () =>
      t.discord.sendSlashCommand({
        ...at,
        userId: world.host,
        name: 'kaltura-start',
        options: { type: 'meeting', title: 'Standup' },
      });
    // The public meeting message is a channel message posted after the host's answer: wait for both.
    const first = await settled(send());
    expect(originalContent(first)).toContain('Your meeting is live');
    await t.discord.waitForPublicMessage(world.channelId, 'Standup', 10_000);
    const second = await settled(send());
    expect(originalContent(second)).toContain('You started this meeting moments ago; it is still live');
    expect(originalContent(second)).not.toMatch(/too quickly/);
    expect(second.followups).toEqual([]);
    expect(t.discord.publicMessages(world.channelId, 'Standup')).toHaveLength(1);
    expect(await t.app.get(MeetingsService).listActive(world.guildId)).toHaveLength(1);
  });

  it('tells a member past their budget, ephemerally, when to retry', async () => {
    // Two starts and their host links took four commands: the host's budget is spent.
    const before = Date.now();
    const list = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.host, name: 'kaltura-list' }),
    );
    expect(list.original?.ephemeral).toBe(true);
    const content = originalContent(list);
    const match = /^You are using meeting commands too quickly\. Try again <t:(\d+):R>\.$/.exec(content);
    expect(match).not.toBeNull();
    const retryAt = Number(match![1]) * 1000;
    expect(retryAt).toBeGreaterThan(before);
    expect(retryAt).toBeLessThanOrEqual(before + 61_000);
    // Another member still has a budget.
    const other = await settled(
      t.discord.sendSlashCommand({ ...at, userId: world.viewer, name: 'kaltura-list' }),
    );
    expect(originalContent(other)).not.toMatch(/too quickly/);
    expect(other.original?.ephemeral).toBe(true);
    // By now (two more round trips) a second meeting message would have been posted: there is one.
    const posted = t.discord
      .channelMessages(world.channelId)
      .filter((m) => m.message.embeds?.[0]?.title === 'Standup');
    expect(posted).toHaveLength(1);
  });
});
