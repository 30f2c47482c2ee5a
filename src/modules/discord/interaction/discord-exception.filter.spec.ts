import { ConsoleLogger, ForbiddenException, Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { MessageFlags } from 'discord.js';
import { KalturaUnavailableError } from '../../kaltura';
import { MeetingNotFoundError } from '../../meetings';
import {
  StubInteraction,
  testCounter,
  vic,
  testHistogram,
} from '../../../../test/discord/support/interaction-stubs';
import { DiscordMetrics } from '../discord.metrics';
import { DiscordExceptionFilter } from './discord-exception.filter';
import { InteractionExpiredError } from './interaction-deadline';

function necordHost(interaction: unknown): ExecutionContextHost {
  const host = new ExecutionContextHost([[interaction], {}]);
  host.setType('necord');
  return host;
}

function setup() {
  const interactions = testCounter('i', ['kind', 'command', 'outcome']);
  const filter = new DiscordExceptionFilter(
    new DiscordMetrics(interactions, testCounter('r', ['scope']), testHistogram()),
  );
  return { filter, interactions };
}

describe('DiscordExceptionFilter', () => {
  const logs: unknown[][] = [];
  beforeAll(() =>
    Logger.overrideLogger({
      log: (...a: unknown[]) => logs.push(['log', ...a]),
      error: (...a: unknown[]) => logs.push(['error', ...a]),
      warn: (...a: unknown[]) => logs.push(['warn', ...a]),
      debug: (...a: unknown[]) => logs.push(['debug', ...a]),
      verbose: () => undefined,
    }),
  );
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  beforeEach(() => (logs.length = 0));

  it('edits the deferred reply with the domain error message', async () => {
    const { filter, interactions } = setup();
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await filter.catch(new MeetingNotFoundError(), necordHost(interaction));
    expect(interaction.payloads('editReply')).toEqual([
      {
        content: 'There is no such meeting in this server.',
        embeds: [],
        components: [],
        allowedMentions: { parse: [] },
      },
    ]);
    expect((await interactions.get()).values[0]).toMatchObject({
      labels: { kind: 'command', command: 'kaltura-join', outcome: 'refused' },
    });
    expect(logs.some((l) => l[0] === 'error' || l[0] === 'warn')).toBe(false);
  });

  it('replies ephemerally when nothing was sent yet, and follows up once something was', async () => {
    const { filter } = setup();
    const fresh = new StubInteraction('button', vic, 'meeting/join/x');
    await filter.catch(new KalturaUnavailableError('timeout'), necordHost(fresh));
    expect(fresh.payloads('reply')).toEqual([
      {
        content: 'Kaltura is not reachable right now; try again in a minute.',
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      },
    ]);
    const answered = new StubInteraction('command', vic, 'kaltura-start');
    await answered.deferReply({ flags: MessageFlags.Ephemeral });
    await answered.editReply({ content: 'link' });
    await filter.catch(new KalturaUnavailableError('timeout'), necordHost(answered));
    expect(answered.payloads('followUp')[0]).toMatchObject({ flags: MessageFlags.Ephemeral });
    expect(logs.some((l) => l[0] === 'warn')).toBe(true);
  });

  it('gives unexpected errors a generic answer with a reference, and logs them as errors', async () => {
    const { filter, interactions } = setup();
    const interaction = new StubInteraction('command', vic, 'kaltura-list');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await filter.catch(new Error('secret internals'), necordHost(interaction));
    expect(interaction.payloads('editReply')[0].content).toBe(
      `Something went wrong on our side. Reference: ${interaction.id}`,
    );
    expect(logs.some((l) => l[0] === 'error')).toBe(true);
    expect((await interactions.get()).values[0].labels.outcome).toBe('bug');
  });

  it('answers an autocomplete with no choices', async () => {
    const { filter } = setup();
    const interaction = new StubInteraction('autocomplete', vic, 'kaltura-end');
    await filter.catch(new ForbiddenException(), necordHost(interaction));
    expect(interaction.payloads('respond')).toEqual([[]]);
  });

  it('never throws when Discord refuses the answer (expired token)', async () => {
    const { filter } = setup();
    const interaction = new StubInteraction('command', vic, 'kaltura-list');
    interaction.failNext.set(
      'reply',
      Object.assign(new Error('Unknown interaction'), { code: 10062, status: 404 }),
    );
    await expect(filter.catch(new MeetingNotFoundError(), necordHost(interaction))).resolves.toBeUndefined();
    expect(logs.some((l) => l[0] === 'warn')).toBe(true);
  });

  describe('expired interactions', () => {
    const unknownInteraction = () =>
      Object.assign(new Error('Unknown interaction'), { code: 10062, status: 404 });

    it('answers nothing to one the deadline guard refused, counts it expired, warns once per 10 s', async () => {
      const { filter, interactions } = setup();
      const first = new StubInteraction('command', vic, 'kaltura-join');
      const second = new StubInteraction('button', vic, 'meeting/join/x');
      await filter.catch(new InteractionExpiredError(2_700), necordHost(first));
      await filter.catch(new InteractionExpiredError(2_900), necordHost(second));
      expect([...first.calls, ...second.calls]).toEqual([]);
      const counted = (await interactions.get()).values.map((v) => [
        v.labels.command,
        v.labels.outcome,
        v.value,
      ]);
      expect(counted).toEqual([
        ['kaltura-join', 'expired', 1],
        ['meeting/join', 'expired', 1],
      ]);
      const warnings = logs.filter((l) => l[0] === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0][1]).toMatchObject({ expired: 1 });
      expect(logs.some((l) => l[0] === 'error')).toBe(false);
    });

    it('does not try again when Discord answered 10062 to the first answer (the window had passed)', async () => {
      const { filter, interactions } = setup();
      const late = new StubInteraction('command', vic, 'kaltura-join');
      await filter.catch(unknownInteraction(), necordHost(late));
      expect(late.calls).toEqual([]);
      expect((await interactions.get()).values[0]).toMatchObject({
        labels: { command: 'kaltura-join', outcome: 'expired' },
      });
    });

    it('treats a 10062 after an acknowledgement as any other Discord refusal', async () => {
      const { filter, interactions } = setup();
      const deferred = new StubInteraction('command', vic, 'kaltura-join');
      await deferred.deferReply({ flags: MessageFlags.Ephemeral });
      await filter.catch(unknownInteraction(), necordHost(deferred));
      expect(deferred.payloads('editReply')).toHaveLength(1);
      expect((await interactions.get()).values[0]).toMatchObject({ labels: { outcome: 'failed' } });
    });
  });

  it('logs failures of event listeners (no interaction to answer)', async () => {
    const { filter } = setup();
    await filter.catch(new Error('listener broke'), necordHost({ not: 'an interaction' }));
    expect(logs.some((l) => l[0] === 'error')).toBe(true);
  });

  it('leaves HTTP contexts alone', () => {
    const { filter } = setup();
    const host = new ExecutionContextHost([{}, {}]);
    host.setType('http');
    const error = new Error('http');
    expect(() => filter.catch(error, host)).toThrow(error);
  });
});
