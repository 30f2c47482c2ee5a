import { ConsoleLogger, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { Counter } from 'prom-client';
import { DomainError } from '../../platform/errors';
import { loadSettings } from '../../platform/settings';
import { UnverifiedChannelAccess } from '../channels';
import type { GuildConfig } from '../config';
import { KalturaSandboxAdapter, KalturaUnavailableError } from '../kaltura';
import type { MeetingActor } from './domain/meeting';
import { CommandBudget } from './limits/command-budget';
import { MeetingLimits } from './limits/meeting-limits';
import { MemoryStartDeduplicator } from './limits/start-deduplicator';
import { MeetingsService } from './meetings.service';
import { MeetingCommandPolicy } from './command-policy.service';
import { stubConfigService } from '../../../test/discord/support/interaction-stubs';
import { InMemoryMeetingRepository } from './persistence/memory-meeting.repository';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const CHANNEL = '200000000000000001';
const hana: MeetingActor = { userId: '300000000000000001', displayName: 'Hana', role: 'viewer' };
const vic: MeetingActor = { userId: '300000000000000002', displayName: 'Vic', role: 'viewer' };
const NOW = Date.parse('2026-12-04T12:00:00Z');

type Limits = GuildConfig['limits'];
const limits = (c: Partial<Limits['commands']> = {}, m: Partial<Limits['meetings']> = {}): Limits => ({
  commands: { perMember: 100, perGuild: 100, windowSeconds: 60, ...c },
  meetings: { activePerHost: 100, activePerGuild: 100, ...m },
});

function setup(config: Limits) {
  const settings = loadSettings({});
  const kaltura = new KalturaSandboxAdapter(settings.kaltura);
  const repository = new InMemoryMeetingRepository();
  const limited = new Counter({ name: 'l', help: 'l', labelNames: ['command', 'scope'], registers: [] });
  const deduplicated = new Counter({ name: 'd', help: 'd', registers: [] });
  const counter = (n: string, l: string) => new Counter({ name: n, help: n, labelNames: [l], registers: [] });
  const service = new MeetingsService(
    repository,
    kaltura,
    new EventEmitter2(),
    createCache({ stores: [new Keyv()] }),
    settings,
    counter('c', 'type'),
    counter('j', 'role'),
    counter('e', 'source'),
    // No Discord here: channel ids are checked for their form only.
    new UnverifiedChannelAccess(),
    new MeetingCommandPolicy(stubConfigService()),
    new MeetingLimits(
      { get: async () => ({ limits: config }) as GuildConfig },
      repository,
      new CommandBudget(null),
      new MemoryStartDeduplicator(() => Date.now()),
      limited,
      deduplicated,
      () => Date.now(),
    ),
  );
  const value = async (c: Counter<string>, labels: Record<string, string> = {}) =>
    (await c.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ??
    0;
  return { service, kaltura, repository, limited, deduplicated, value };
}

const start = (service: MeetingsService, title = 'Standup', host = hana, guildId = GUILD) =>
  service.start({ guildId, channelId: CHANNEL, host, title, type: 'meeting' });

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('MeetingsService limits', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  // The budgets' clock (Date.now and timers) is jest's.
  beforeEach(() =>
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }),
  );
  afterEach(() => jest.useRealTimers());

  describe('command budgets', () => {
    it('refuses a member past their budget with 429, retry time and metric, on every use case', async () => {
      const { service, limited, value } = setup(limits({ perMember: 3, windowSeconds: 60 }));
      const { meeting } = await start(service, 'One');
      await service.join(GUILD, meeting.id, hana);
      jest.advanceTimersByTime(15_000);
      await service.list(GUILD, hana);
      const refused = await rejection(service.end(GUILD, meeting.id, hana));
      expect(refused).toMatchObject({ code: 'COMMAND_RATE_LIMITED', status: 429 });
      expect(refused.details).toEqual({
        scope: 'member',
        retryAfterSeconds: 45,
        retryAt: new Date(NOW + 60_000).toISOString(),
      });
      expect(refused.message).toBe('You are using meeting commands too quickly. Try again in 45 seconds.');
      expect(await value(limited, { command: 'kaltura-end', scope: 'member' })).toBe(1);
      // Nothing ran: the meeting is still active.
      expect((await service.get(GUILD, meeting.id)).status).toBe('active');
      // Another member, and the same member in another guild, have their own budgets.
      await expect(service.list(GUILD, vic)).resolves.toBeDefined();
      await expect(service.list(OTHER_GUILD, hana)).resolves.toEqual([]);
      // Lookups without a member (autocomplete) are not counted.
      await expect(service.listActive(GUILD)).resolves.toHaveLength(1);
      jest.advanceTimersByTime(45_000);
      await expect(service.end(GUILD, meeting.id, hana)).resolves.toMatchObject({ status: 'ended' });
    });

    it('refuses every member once the guild budget is spent, and gives the member their command back', async () => {
      const { service, limited, value } = setup(limits({ perMember: 2, perGuild: 3 }));
      await service.list(GUILD, hana);
      await service.list(GUILD, hana);
      await service.list(GUILD, vic);
      const refused = await rejection(service.list(GUILD, vic));
      expect(refused).toMatchObject({ code: 'COMMAND_RATE_LIMITED', details: { scope: 'guild' } });
      expect(refused.message).toMatch(/^This server is using meeting commands too quickly/);
      expect(await value(limited, { command: 'kaltura-list', scope: 'guild' })).toBe(1);
      jest.advanceTimersByTime(60_000);
      // Vic's refused command was given back: two more fit their budget of two.
      await service.list(GUILD, vic);
      await service.list(GUILD, vic);
      expect((await rejection(service.list(GUILD, vic))).details).toMatchObject({ scope: 'member' });
    });

    it('refuses a start before any Kaltura room is made', async () => {
      const { service, kaltura } = setup(limits({ perMember: 1 }));
      await start(service, 'One');
      const create = jest.spyOn(kaltura, 'createRoom');
      expect(await rejection(start(service, 'Two'))).toMatchObject({ code: 'COMMAND_RATE_LIMITED' });
      expect(create).not.toHaveBeenCalled();
    });
  });

  describe('active-meeting caps', () => {
    it('refuses a host at their cap with 409, until one of their meetings ends', async () => {
      const { service, kaltura, limited, value } = setup(limits({}, { activePerHost: 2 }));
      const { meeting: first } = await start(service, 'One');
      await start(service, 'Two');
      const create = jest.spyOn(kaltura, 'createRoom');
      const refused = await rejection(start(service, 'Three'));
      expect(refused).toMatchObject({ code: 'ACTIVE_MEETINGS_LIMIT', status: 409 });
      expect(refused.message).toBe(
        'You already host 2 active meetings, the most this server allows. End one first.',
      );
      expect(create).not.toHaveBeenCalled();
      expect(await value(limited, { command: 'kaltura-start', scope: 'host_active' })).toBe(1);
      await expect(start(service, 'Three', vic)).resolves.toMatchObject({ reused: false });
      await service.end(GUILD, first.id, hana);
      await expect(start(service, 'Three')).resolves.toMatchObject({ reused: false });
    });

    it('refuses anyone once the guild is at its cap; other guilds are not affected', async () => {
      const { service, limited, value } = setup(limits({}, { activePerGuild: 2 }));
      await start(service, 'One', hana);
      await start(service, 'Two', vic);
      const refused = await rejection(start(service, 'Three', { ...vic, userId: '300000000000000009' }));
      expect(refused).toMatchObject({ code: 'ACTIVE_MEETINGS_LIMIT' });
      expect(refused.message).toMatch(/^This server already has 2 active meetings/);
      expect(await value(limited, { command: 'kaltura-start', scope: 'guild_active' })).toBe(1);
      await expect(start(service, 'Three', hana, OTHER_GUILD)).resolves.toMatchObject({ reused: false });
    });
  });

  describe('duplicate-start guard', () => {
    it('gives two concurrent identical starts one meeting and one Kaltura room', async () => {
      const { service, kaltura, repository, deduplicated, value } = setup(limits());
      const create = jest.spyOn(kaltura, 'createRoom');
      const [a, b] = await Promise.all([start(service), start(service)]);
      expect(a.meeting.id).toBe(b.meeting.id);
      expect([a.reused, b.reused].sort()).toEqual([false, true]);
      expect(create).toHaveBeenCalledTimes(1);
      expect(await repository.countActive(GUILD)).toBe(1);
      expect(await value(deduplicated)).toBe(1);
    });

    it('returns the meeting for an identical start within 60 s (title case and spaces aside), not after', async () => {
      const { service } = setup(limits());
      const first = await start(service, 'Standup');
      jest.advanceTimersByTime(59_000);
      expect((await start(service, '  standup ')).meeting.id).toBe(first.meeting.id);
      // Another channel, host or title is another meeting.
      const elsewhere = await service.start({
        guildId: GUILD,
        channelId: '200000000000000002',
        host: hana,
        title: 'Standup',
        type: 'meeting',
      });
      expect(elsewhere.reused).toBe(false);
      expect((await start(service, 'Standup', vic)).reused).toBe(false);
      jest.advanceTimersByTime(1_001);
      expect((await start(service, 'Standup')).reused).toBe(false);
    });

    it('starts anew when the earlier meeting has ended, or when the earlier start failed', async () => {
      const { service, kaltura } = setup(limits());
      const first = await start(service);
      await service.end(GUILD, first.meeting.id, hana);
      const second = await start(service);
      expect(second).toMatchObject({ reused: false });
      expect(second.meeting.id).not.toBe(first.meeting.id);

      jest.spyOn(kaltura, 'createRoom').mockRejectedValueOnce(new KalturaUnavailableError('network'));
      await expect(start(service, 'Retro')).rejects.toBeInstanceOf(KalturaUnavailableError);
      await expect(start(service, 'Retro')).resolves.toMatchObject({ reused: false });
    });
  });
});
