import { ConsoleLogger, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { Counter } from 'prom-client';
import { DomainError, ValidationFailedError } from '../../platform/errors';
import { SANDBOX_ADMIN_SECRET, loadSettings } from '../../platform/settings';
import { ChannelAccess, type ChannelVerdict } from '../channels';
import { KalturaPort, KalturaSandboxAdapter, KalturaUnavailableError, parseKs } from '../kaltura';
import type { Meeting, MeetingActor } from './domain/meeting';
import { MEETING_EVENTS, MeetingEndedEvent, MeetingJoinedEvent } from './domain/meeting.events';
import { MEETING_ID_PATTERN } from './domain/meeting.rules';
import type { GuildConfig } from '../config';
import { CommandBudget } from './limits/command-budget';
import { MeetingLimits } from './limits/meeting-limits';
import { MemoryStartDeduplicator } from './limits/start-deduplicator';
import { MeetingRepository } from './meeting.repository';
import { MeetingsService } from './meetings.service';
import { MeetingCommandPolicy } from './command-policy.service';
import { stubConfigService } from '../../../test/discord/support/interaction-stubs';
import { InMemoryMeetingRepository } from './persistence/memory-meeting.repository';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const CHANNEL = '200000000000000001';
const host: MeetingActor = { userId: '300000000000000001', displayName: 'Hana Host', role: 'viewer' };
const viewer: MeetingActor = { userId: '300000000000000002', displayName: 'Vic', role: 'viewer' };
const moderator: MeetingActor = { userId: '300000000000000003', displayName: 'Mo', role: 'moderator' };
const admin: MeetingActor = { userId: '300000000000000004', displayName: 'Ada', role: 'admin' };

const counter = (name: string, label: string) =>
  new Counter({ name, help: name, labelNames: [label], registers: [] });
const counterValue = async (c: Counter<string>, labels: Record<string, string>) =>
  (await c.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;

/** Channel ids this stub refuses as belonging to another guild; every other channel is usable. */
const FOREIGN_CHANNEL = '999999999999999999';
class StubChannelAccess extends ChannelAccess {
  readonly verifies = true;
  readonly checked: string[] = [];
  async check(guildId: string, ref: string): Promise<ChannelVerdict> {
    this.checked.push(`${guildId}/${ref}`);
    return ref === FOREIGN_CHANNEL
      ? { ok: false, channelId: ref, reason: 'other_guild', message: 'other guild' }
      : { ok: true, channelId: ref, verified: true };
  }
  forget(): void {}
}

/** Budgets and caps no ordinary test reaches; the limit tests (meetings.limits.spec.ts) set their own. */
const ROOMY_LIMITS: GuildConfig['limits'] = {
  commands: { perMember: 1000, perGuild: 1000, windowSeconds: 60 },
  meetings: { activePerHost: 100, activePerGuild: 100 },
};

function setup(
  repository: MeetingRepository = new InMemoryMeetingRepository(),
  limits: GuildConfig['limits'] = ROOMY_LIMITS,
) {
  const settings = loadSettings({ KALTURA_JOIN_LINK_TTL: '600' });
  const kaltura = new KalturaSandboxAdapter(settings.kaltura);
  const events = new EventEmitter2();
  const cache = createCache({ stores: [new Keyv()] });
  const metrics = {
    created: counter('created', 'type'),
    joins: counter('joins', 'role'),
    ended: counter('ended', 'source'),
    limited: new Counter({
      name: 'limited',
      help: 'limited',
      labelNames: ['command', 'scope'],
      registers: [],
    }),
    deduplicated: new Counter({ name: 'dedup', help: 'dedup', registers: [] }),
  };
  const channels = new StubChannelAccess();
  const service = new MeetingsService(
    repository,
    kaltura,
    events,
    cache,
    settings,
    metrics.created,
    metrics.joins,
    metrics.ended,
    channels,
    new MeetingCommandPolicy(stubConfigService()),
    new MeetingLimits(
      { get: async () => ({ limits }) as GuildConfig },
      repository,
      new CommandBudget(null),
      new MemoryStartDeduplicator(),
      metrics.limited,
      metrics.deduplicated,
    ),
  );
  const seen: Array<{ event: string; payload: unknown }> = [];
  for (const event of Object.values(MEETING_EVENTS)) {
    events.on(event, (payload: unknown) => seen.push({ event, payload }));
  }
  return { service, kaltura, repository, events, cache, seen, metrics, settings, channels };
}

const start = (service: MeetingsService, overrides: Partial<Parameters<MeetingsService['create']>[0]> = {}) =>
  service.create({
    guildId: GUILD,
    channelId: CHANNEL,
    host,
    title: 'Standup',
    type: 'meeting',
    ...overrides,
  });

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

/** Everything jest can fake except `Date`: a test that fakes only the clock keeps real timers and promises. */
const TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

describe('MeetingsService', () => {
  afterEach(() => jest.useRealTimers());
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  describe('create', () => {
    it('refuses a channel the service may not post in (another guild’s) before creating anything', async () => {
      const { service, kaltura, repository, channels } = setup();
      const create = jest.spyOn(kaltura, 'createRoom');
      await expect(start(service, { channelId: FOREIGN_CHANNEL })).rejects.toMatchObject({
        code: 'CHANNEL_NOT_USABLE',
        status: 400,
        message: expect.stringContaining(FOREIGN_CHANNEL),
      });
      expect(create).not.toHaveBeenCalled();
      expect(await repository.listActive(GUILD, 10)).toEqual([]);
      expect(channels.checked).toEqual([`${GUILD}/${FOREIGN_CHANNEL}`]);
      await expect(start(service, { channelId: CHANNEL })).resolves.toMatchObject({ channelId: CHANNEL });
    });

    it('creates the Kaltura room, stores the meeting, then emits meeting.created', async () => {
      const { service, kaltura, repository, events, metrics } = setup();
      let storedWhenEmitted: Meeting | null = null;
      events.on(MEETING_EVENTS.created, ({ meeting }: { meeting: Meeting }) => {
        void repository.findById(meeting.id).then((m) => (storedWhenEmitted = m));
      });
      const meeting = await start(service, {
        title: '  Weekly sync  ',
        description: '  notes ',
        type: 'webinar',
      });

      expect(meeting).toMatchObject({
        guildId: GUILD,
        channelId: CHANNEL,
        messageId: null,
        hostId: host.userId,
        hostName: 'Hana Host',
        title: 'Weekly sync',
        description: 'notes',
        type: 'webinar',
        status: 'active',
        endedAt: null,
        endedBy: null,
      });
      expect(meeting.id).toMatch(MEETING_ID_PATTERN);
      expect(kaltura.room(meeting.kaltura.resourceId)).toMatchObject({
        meetingId: meeting.id,
        type: 'webinar',
      });
      await new Promise((r) => setImmediate(r));
      expect(storedWhenEmitted).toEqual(meeting);
      expect(await counterValue(metrics.created, { type: 'webinar' })).toBe(1);
    });

    it.each([
      [{ title: '' }, 'title'],
      [{ title: '   ' }, 'title'],
      [{ title: 'x'.repeat(101) }, 'title'],
      [{ description: 'd'.repeat(1001) }, 'description'],
      [{ type: 'party' as never }, 'type'],
    ])('refuses %j with a field error and calls nothing', async (overrides, field) => {
      const { service, kaltura, seen } = setup();
      const create = jest.spyOn(kaltura, 'createRoom');
      const error = await rejection(start(service, overrides));
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).errors.map((e) => e.field)).toEqual([field]);
      expect(create).not.toHaveBeenCalled();
      expect(seen).toEqual([]);
    });

    it('accepts the limits exactly (100-character title, 1,000-character description, emoji counted once)', async () => {
      const { service } = setup();
      const meeting = await start(service, { title: '🎉'.repeat(100), description: 'd'.repeat(1000) });
      expect([...meeting.title]).toHaveLength(100);
    });

    it('refuses ids that are not Discord snowflakes', async () => {
      const { service } = setup();
      expect((await rejection(start(service, { guildId: 'abc' }))).code).toBe('VALIDATION_FAILED');
      expect((await rejection(start(service, { channelId: '1; drop' }))).code).toBe('VALIDATION_FAILED');
    });

    it('removes the Kaltura room again when storing fails, and reports 503', async () => {
      const repository = new InMemoryMeetingRepository();
      jest.spyOn(repository, 'insert').mockRejectedValue(new Error('disk full'));
      const { service, kaltura, seen } = setup(repository);
      const endRoom = jest.spyOn(kaltura, 'endRoom');
      const error = await rejection(start(service));
      expect(error).toMatchObject({ code: 'MEETING_STORAGE_UNAVAILABLE', status: 503 });
      expect(endRoom).toHaveBeenCalledTimes(1);
      expect(kaltura.room(endRoom.mock.calls[0][0].resourceId)?.status).toBe('ended');
      expect(seen).toEqual([]);
    });

    it('stores nothing when Kaltura cannot create the room', async () => {
      const { service, kaltura, seen } = setup();
      jest.spyOn(kaltura, 'createRoom').mockRejectedValue(new KalturaUnavailableError('network'));
      expect((await rejection(start(service))).code).toBe('KALTURA_UNAVAILABLE');
      expect(await service.listActive(GUILD)).toEqual([]);
      expect(seen).toEqual([]);
    });
  });

  describe('get and listActive', () => {
    it("never shows one guild's meeting to another", async () => {
      const { service } = setup();
      const meeting = await start(service);
      expect(await service.get(GUILD, meeting.id)).toEqual(meeting);
      expect(await rejection(service.get(OTHER_GUILD, meeting.id))).toMatchObject({
        code: 'MEETING_NOT_FOUND',
        status: 404,
      });
      expect(await service.listActive(OTHER_GUILD)).toEqual([]);
      expect((await rejection(service.get(GUILD, 'nope'))).code).toBe('MEETING_NOT_FOUND');
    });

    it('lists only active meetings, newest first', async () => {
      const { service } = setup();
      // Only Date is faked (timers and promises run as usual): each start is a second after the previous one.
      jest.useFakeTimers({ doNotFake: [...TIMERS], now: new Date('2026-01-01T00:00:00Z') });
      const first = await start(service, { title: 'First' });
      jest.setSystemTime(new Date('2026-01-01T00:00:01Z'));
      const second = await start(service, { title: 'Second' });
      jest.setSystemTime(new Date('2026-01-01T00:00:02Z'));
      const third = await start(service, { title: 'Third' });
      jest.useRealTimers();
      await service.end(GUILD, second.id, host);
      expect((await service.listActive(GUILD)).map((m) => m.id)).toEqual([third.id, first.id]);
    });
  });

  describe('join', () => {
    it('gives a viewer a personal viewer link that expires after the configured TTL', async () => {
      const { service, seen, metrics } = setup();
      const meeting = await start(service);
      const before = Date.now();
      const result = await service.join(GUILD, meeting.id, viewer);

      expect(result.role).toBe('viewer');
      expect(result.meeting.id).toBe(meeting.id);
      const ks = decodeURIComponent(new URL(result.url, 'http://x').searchParams.get('ks') ?? '');
      const parsed = parseKs(ks, SANDBOX_ADMIN_SECRET);
      expect(parsed.userId).toBe(`discord_${viewer.userId}`);
      expect(parsed.privileges).toMatchObject({
        resourceId: String(meeting.kaltura.resourceId),
        role: 'viewerRole',
        userContextualRole: '3',
        firstName: 'Vic',
      });
      expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 600_000);
      expect(result.expiresAt.getTime()).toBeLessThanOrEqual(parsed.expiry * 1000 + 999);
      const joined = seen.find((s) => s.event === MEETING_EVENTS.joined)?.payload as MeetingJoinedEvent;
      expect(joined).toMatchObject({ user: { id: viewer.userId, displayName: 'Vic' }, role: 'viewer' });
      expect(await counterValue(metrics.joins, { role: 'viewer' })).toBe(1);
    });

    it('makes the host at least a moderator of their own meeting, and keeps an admin host admin', async () => {
      const { service } = setup();
      const meeting = await start(service);
      expect((await service.join(GUILD, meeting.id, host)).role).toBe('moderator');
      const adminMeeting = await start(service, { host: admin });
      expect((await service.join(GUILD, adminMeeting.id, admin)).role).toBe('admin');
      expect((await service.join(GUILD, meeting.id, admin)).role).toBe('admin');
      expect((await service.join(GUILD, meeting.id, moderator)).role).toBe('moderator');
    });

    it('makes sure the Kaltura user exists once, then remembers it in the cache', async () => {
      const { service, kaltura, cache } = setup();
      const ensure = jest.spyOn(kaltura, 'ensureUser');
      const meeting = await start(service);
      await service.join(GUILD, meeting.id, viewer);
      await service.join(GUILD, meeting.id, viewer);
      expect(ensure).toHaveBeenCalledTimes(1);
      expect(ensure).toHaveBeenCalledWith({ id: `discord_${viewer.userId}`, displayName: 'Vic' });
      expect(await cache.get(`kd:meetings:user:discord_${viewer.userId}`)).toBe(true);
    });

    it('serves REST principals that are not Discord users (API keys) under their own Kaltura user ids', async () => {
      const { service, kaltura } = setup();
      const ensure = jest.spyOn(kaltura, 'ensureUser');
      const apiKey: MeetingActor = {
        userId: 'ak_0123456789abcdef01234567',
        displayName: 'CI bot',
        role: 'admin',
      };
      const meeting = await start(service, { host: apiKey, channelId: null });
      expect(meeting.hostId).toBe(apiKey.userId);
      await service.join(GUILD, meeting.id, apiKey);
      expect(ensure).toHaveBeenCalledWith({
        id: 'service_ak_0123456789abcdef01234567',
        displayName: 'CI bot',
      });
      const bad = { ...viewer, userId: 'x y' };
      expect((await rejection(service.join(GUILD, meeting.id, bad))).code).toBe('VALIDATION_FAILED');
    });

    it('refuses an ended meeting (409) and a meeting of another guild (404)', async () => {
      const { service } = setup();
      const meeting = await start(service);
      expect((await rejection(service.join(OTHER_GUILD, meeting.id, viewer))).code).toBe('MEETING_NOT_FOUND');
      await service.end(GUILD, meeting.id, host);
      expect(await rejection(service.join(GUILD, meeting.id, viewer))).toMatchObject({
        code: 'MEETING_ENDED',
        status: 409,
      });
    });
  });

  describe('end', () => {
    it.each([
      ['a viewer', viewer],
      ['a moderator who is not the host', moderator],
    ])('refuses %s (403) and leaves the meeting running', async (_who, actor) => {
      const { service, kaltura } = setup();
      const endRoom = jest.spyOn(kaltura, 'endRoom');
      const meeting = await start(service);
      expect(await rejection(service.end(GUILD, meeting.id, actor))).toMatchObject({
        code: 'MEETING_END_FORBIDDEN',
        status: 403,
      });
      expect(endRoom).not.toHaveBeenCalled();
      expect((await service.get(GUILD, meeting.id)).status).toBe('active');
    });

    it('lets the host end it: room removed, record ended, one event; ending twice is harmless', async () => {
      const { service, kaltura, seen, metrics } = setup();
      const meeting = await start(service);
      const ended = await service.end(GUILD, meeting.id, host);
      expect(ended).toMatchObject({ status: 'ended', endedBy: host.userId });
      expect(ended.endedAt).toBeInstanceOf(Date);
      expect(kaltura.room(meeting.kaltura.resourceId)?.status).toBe('ended');

      const endRoom = jest.spyOn(kaltura, 'endRoom');
      expect(await service.end(GUILD, meeting.id, host)).toEqual(ended);
      expect(endRoom).not.toHaveBeenCalled();
      const endedEvents = seen.filter((s) => s.event === MEETING_EVENTS.ended);
      expect(endedEvents).toHaveLength(1);
      expect(endedEvents[0].payload).toMatchObject({
        meeting: { id: meeting.id, status: 'ended' },
        endedBy: { id: host.userId, displayName: 'Hana Host' },
      });
      expect(await counterValue(metrics.ended, { source: 'member' })).toBe(1);
    });

    it('lets an admin end any meeting of the guild', async () => {
      const { service } = setup();
      const meeting = await start(service);
      expect((await service.end(GUILD, meeting.id, admin)).endedBy).toBe(admin.userId);
    });

    it('keeps the meeting active when Kaltura cannot remove the room', async () => {
      const { service, kaltura, seen } = setup();
      const meeting = await start(service);
      jest.spyOn(kaltura, 'endRoom').mockRejectedValue(new KalturaUnavailableError('timeout'));
      expect((await rejection(service.end(GUILD, meeting.id, host))).code).toBe('KALTURA_UNAVAILABLE');
      expect((await service.get(GUILD, meeting.id)).status).toBe('active');
      expect(seen.filter((s) => s.event === MEETING_EVENTS.ended)).toEqual([]);
    });

    it('sends no second event when another replica ended it first', async () => {
      const repository = new InMemoryMeetingRepository();
      const { service, seen } = setup(repository);
      const meeting = await start(service);
      const markEnded = repository.markEnded.bind(repository);
      jest.spyOn(repository, 'markEnded').mockImplementationOnce(async (id, end) => {
        await markEnded(id, { ...end, endedBy: admin.userId });
        return null;
      });
      const result = await service.end(GUILD, meeting.id, host);
      expect(result).toMatchObject({ status: 'ended', endedBy: admin.userId });
      expect(seen.filter((s) => s.event === MEETING_EVENTS.ended)).toEqual([]);
    });
  });

  describe('endedExternally', () => {
    it('ends the meeting for Kaltura, once, whatever its guild; unknown ids give null', async () => {
      const { service, kaltura, seen, metrics } = setup();
      const meeting = await start(service);
      expect(await service.endedExternally('unknown123')).toBeNull();
      const ended = await service.endedExternally(meeting.id);
      expect(ended).toMatchObject({ status: 'ended', endedBy: 'kaltura' });
      expect(kaltura.room(meeting.kaltura.resourceId)?.status).toBe('ended');
      expect(await service.endedExternally(meeting.id)).toEqual(ended);
      const events = seen
        .filter((s) => s.event === MEETING_EVENTS.ended)
        .map((s) => s.payload as MeetingEndedEvent);
      expect(events).toHaveLength(1);
      expect(events[0].endedBy).toBe('kaltura');
      expect(await counterValue(metrics.ended, { source: 'kaltura' })).toBe(1);
    });

    it('still ends the record when removing the room fails', async () => {
      const { service, kaltura } = setup();
      const meeting = await start(service);
      jest.spyOn(kaltura, 'endRoom').mockRejectedValue(new KalturaUnavailableError('network'));
      expect((await service.endedExternally(meeting.id))?.status).toBe('ended');
    });
  });

  describe('attachMessage', () => {
    it('records the meeting message, only within the guild', async () => {
      const { service } = setup();
      const meeting = await start(service, { channelId: null });
      await service.attachMessage(GUILD, meeting.id, { channelId: CHANNEL, messageId: '400000000000000001' });
      expect(await service.get(GUILD, meeting.id)).toMatchObject({
        channelId: CHANNEL,
        messageId: '400000000000000001',
      });
      expect(
        (
          await rejection(
            service.attachMessage(OTHER_GUILD, meeting.id, { channelId: CHANNEL, messageId: '4' }),
          )
        ).code,
      ).toBe('MEETING_NOT_FOUND');
    });
  });

  it('depends only on the KalturaPort contract', () => {
    expect(setup().kaltura).toBeInstanceOf(KalturaPort);
  });
});
