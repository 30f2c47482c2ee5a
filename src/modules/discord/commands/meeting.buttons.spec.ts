import { ConsoleLogger, Logger } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import { MeetingEndForbiddenError } from '../../meetings';
import {
  GUILD,
  StubInteraction,
  ada,
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
import { CommandAccessService, CommandForbiddenError } from '../interaction/command-access.service';
import { MeetingButtons } from './meeting.buttons';

function setup(config = defaultConfig()) {
  const { service, settings } = meetingsFixture();
  const configService = stubConfigService(config);
  const access = new CommandAccessService(configService, roleMapping(configService));
  const interactions = testCounter('i', ['kind', 'command', 'outcome']);
  const buttons = new MeetingButtons(
    service,
    access,
    new DiscordMetrics(interactions, testCounter('r', ['scope']), testHistogram()),
    settings,
  );
  return { buttons, service, interactions };
}

describe('MeetingButtons', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('Join: answers the clicker at once with an ephemeral personal link', async () => {
    const { buttons, service, interactions } = setup();
    const meeting = await service.create({
      guildId: GUILD,
      host: { ...hana, role: 'viewer' },
      title: 'Standup',
      type: 'meeting',
    });
    const click = new StubInteraction('button', vic, `meeting/join/${meeting.id}`);
    await buttons.join([click.asAny], meeting.id);
    // Ready within the budget: answered in the callback itself, ephemeral, no deferral.
    expect(click.calls.map((c) => c.method)).toEqual(['reply']);
    const reply = click.payloads('reply')[0];
    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toContain('you join as **viewer**');
    expect(reply.components[0].toJSON().components[0].url).toMatch(
      /^http:\/\/localhost:3000\/sandbox\/launch\?ks=/,
    );
    expect((await interactions.get()).values[0]).toMatchObject({
      labels: { kind: 'button', command: 'meeting/join', outcome: 'ok' },
    });
  });

  it('Join follows the permissions of /kaltura-join', async () => {
    const { buttons, service } = setup(
      defaultConfig((c) => (c.commands.permissions['kaltura-join'] = ['Hosts'])),
    );
    const meeting = await service.create({
      guildId: GUILD,
      host: { ...hana, role: 'viewer' },
      title: 'Standup',
      type: 'meeting',
    });
    await expect(
      buttons.join([new StubInteraction('button', vic, `meeting/join/${meeting.id}`).asAny], meeting.id),
    ).rejects.toBeInstanceOf(CommandForbiddenError);
  });

  it('End: only the host or an admin; the reply says it ended', async () => {
    const { buttons, service } = setup();
    const meeting = await service.create({
      guildId: GUILD,
      host: { ...hana, role: 'viewer' },
      title: 'Standup',
      type: 'meeting',
    });
    await expect(
      buttons.end([new StubInteraction('button', vic, `meeting/end/${meeting.id}`).asAny], meeting.id),
    ).rejects.toBeInstanceOf(MeetingEndForbiddenError);
    const click = new StubInteraction('button', ada, `meeting/end/${meeting.id}`);
    await buttons.end([click.asAny], meeting.id);
    expect(click.payloads('editReply')[0].content).toMatch(/has ended after/);
    expect((await service.get(GUILD, meeting.id)).endedBy).toBe(ada.userId);
  });
});
