import {
  GUILD,
  StubInteraction,
  defaultConfig,
  hana,
  meetingsFixture,
  roleMapping,
  stubConfigService,
  testCounter,
  vic,
  testHistogram,
} from '../../../../test/discord/support/interaction-stubs';
import { DiscordMetrics } from '../discord.metrics';
import { CommandAccessService } from '../interaction/command-access.service';
import { MeetingLookup } from './meeting-lookup.service';

function setup(config = defaultConfig()) {
  const { service } = meetingsFixture();
  const configService = stubConfigService(config);
  const access = new CommandAccessService(configService, roleMapping(configService));
  const metrics = new DiscordMetrics(
    testCounter('i', ['kind', 'command', 'outcome']),
    testCounter('r', ['scope']),
    testHistogram(),
  );
  return { lookup: new MeetingLookup(service, access, metrics), service };
}

const host = { ...hana, role: 'viewer' as const };

describe('MeetingLookup', () => {
  it('suggests at most 25 meetings, matching id prefixes and title words, case-insensitively', async () => {
    const { lookup, service } = setup();
    for (let i = 0; i < 30; i++)
      await service.create({ guildId: GUILD, host, title: `Class ${i}`, type: 'classroom' });
    const other = await service.create({ guildId: GUILD, host, title: 'Board meeting', type: 'meeting' });

    const all = new StubInteraction('autocomplete', vic, 'kaltura-join', { focused: 'CLASS' });
    await lookup.suggest(all.asAny, 'kaltura-join');
    expect(all.payloads('respond')[0]).toHaveLength(25);

    const byId = new StubInteraction('autocomplete', vic, 'kaltura-join', {
      focused: other.id.slice(0, 6).toLowerCase(),
    });
    await lookup.suggest(byId.asAny, 'kaltura-join');
    expect(byId.payloads('respond')[0]).toContainEqual({
      name: 'Board meeting · meeting · Hana',
      value: other.id,
    });
  });

  it('suggests nothing to members the guild does not allow', async () => {
    const { lookup, service } = setup(
      defaultConfig((c) => (c.commands.permissions['kaltura-join'] = ['Hosts'])),
    );
    await service.create({ guildId: GUILD, host, title: 'Standup', type: 'meeting' });
    const interaction = new StubInteraction('autocomplete', vic, 'kaltura-join');
    await lookup.suggest(interaction.asAny, 'kaltura-join');
    expect(interaction.payloads('respond')).toEqual([[]]);
  });

  it('resolves ids as they are, and an exact unique title to its id', async () => {
    const { lookup, service } = setup();
    const a = await service.create({ guildId: GUILD, host, title: 'Standup', type: 'meeting' });
    // Two channels: the same start twice in one channel would be the duplicate guard's one meeting.
    await service.create({
      guildId: GUILD,
      channelId: '200000000000000071',
      host,
      title: 'Twice',
      type: 'meeting',
    });
    await service.create({
      guildId: GUILD,
      channelId: '200000000000000072',
      host,
      title: 'twice',
      type: 'meeting',
    });
    expect(await lookup.resolve(GUILD, a.id)).toBe(a.id);
    expect(await lookup.resolve(GUILD, '  STANDUP ')).toBe(a.id);
    expect(await lookup.resolve(GUILD, 'Twice')).toBe('Twice'); // ambiguous: not found later
    expect(await lookup.resolve(GUILD, 'nothing')).toBe('nothing');
  });
});
