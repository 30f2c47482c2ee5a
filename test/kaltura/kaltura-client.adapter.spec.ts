import { Logger } from '@nestjs/common';
import { ValidationFailedError } from '../../src/platform/errors';
import {
  KALTURA_USER_BATCH_MAX,
  KalturaClientAdapter,
  KalturaUnavailableError,
  KsType,
  mintKs,
  parseKs,
} from '../../src/modules/kaltura';
import { KALTURA_MAX_SOCKETS } from '../../src/modules/kaltura/kaltura-transport';
import { FakeKaltura } from '../fakes/kaltura';
import { KAF_URL, RecordingMetrics, adapterFor, rejectionOf } from './support';

/**
 * Every port method through the real kaltura-client against the fake over HTTP, asserting the requests the
 * Kaltura reference describes.
 */
describe('KalturaClientAdapter against the fake Kaltura', () => {
  const fake = new FakeKaltura();
  const T = Math.floor(Date.now() / 1000);
  let adapter: KalturaClientAdapter;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    adapter = adapterFor(fake, { now: () => T * 1000 });
  });

  describe('createRoom', () => {
    it('sends ONE multirequest: template entry, resource, event with templateEntryId, link, by {N:result:id}', async () => {
      const room = await adapter.createRoom({
        guildId: '1001',
        meetingId: 'Abc123XYZ9',
        title: 'Standup',
        description: 'Daily',
        type: 'meeting',
      });

      expect(fake.requests).toEqual([
        {
          path: '/api_v3/service/multirequest',
          contentType: 'application/json',
          target: 'multirequest',
          status: 200,
        },
      ]);
      expect(fake.calls.map((c) => [c.multirequestIndex, c.service, c.action, c.error])).toEqual([
        [0, 'media', 'add', undefined],
        [1, 'schedule_scheduleresource', 'add', undefined],
        [2, 'schedule_scheduleevent', 'add', undefined],
        [3, 'schedule_scheduleeventresource', 'add', undefined],
      ]);
      expect(fake.calls[0].params).toEqual({
        entry: {
          objectType: 'KalturaMediaEntry',
          name: 'Standup',
          description: 'Daily',
          mediaType: 1,
          adminTags: 'kd,kd-guild:1001,kd-meeting:Abc123XYZ9',
          partnerData: '{"guildId":"1001","meetingId":"Abc123XYZ9"}',
        },
      });
      expect(fake.calls[1].params).toEqual({
        scheduleResource: {
          objectType: 'KalturaLocationScheduleResource',
          name: 'Standup',
          description: 'Daily',
          tags: 'vcprovider:newrow',
        },
      });
      expect(fake.calls[2].params).toEqual({
        scheduleEvent: {
          objectType: 'KalturaRecordScheduleEvent',
          summary: 'Standup',
          description: 'Daily',
          referenceId: 'Abc123XYZ9',
          templateEntryId: '{1:result:id}',
          startDate: T,
          endDate: T + 24 * 3600,
          recurrenceType: 0,
        },
      });
      expect(fake.calls[3].params).toEqual({
        scheduleEventResource: {
          objectType: 'KalturaScheduleEventResource',
          eventId: '{3:result:id}',
          resourceId: '{2:result:id}',
        },
      });
      for (const call of fake.calls) {
        expect(call.ks).toMatchObject({
          partnerId: fake.partnerId,
          type: KsType.ADMIN,
          privileges: { disableentitlement: '' },
        });
      }

      expect(room).toEqual({ resourceId: expect.any(Number), eventId: expect.any(Number) });
      expect(fake.resource(room.resourceId)).toMatchObject({ name: 'Standup', status: 2 });
      const event = fake.event(room.eventId!)!;
      expect(event).toMatchObject({ referenceId: 'Abc123XYZ9', status: 2 });
      // The session's recordings are copied from this template: it carries the guild and meeting.
      expect(fake.entry(event.templateEntryId!)).toMatchObject({
        adminTags: 'kd,kd-guild:1001,kd-meeting:Abc123XYZ9',
        partnerData: '{"guildId":"1001","meetingId":"Abc123XYZ9"}',
        status: 7,
      });
      expect(fake.links()).toEqual([
        expect.objectContaining({ eventId: room.eventId, resourceId: room.resourceId }),
      ]);
    });

    it.each([
      ['webinar', 'custom_rs_class_mode:webinar'],
      ['classroom', 'custom_rs_class_mode:virtual_classroom'],
    ] as const)('tags a %s room and its session with the class mode', async (type, mode) => {
      await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'Lesson', type });
      expect((fake.calls[1].params.scheduleResource as any).tags).toBe(`vcprovider:newrow,${mode}`);
      expect((fake.calls[2].params.scheduleEvent as any).tags).toBe(mode);
    });

    it('omits an absent description and honours the event window option', async () => {
      const hours = adapterFor(fake, { now: () => T * 1000, eventDurationHours: 2 });
      await hours.createRoom({ guildId: '1001', meetingId: 'm', title: 'Short', type: 'meeting' });
      expect(fake.calls[0].params.entry).not.toHaveProperty('description');
      expect(fake.calls[1].params.scheduleResource).not.toHaveProperty('description');
      expect(fake.calls[2].params.scheduleEvent).toMatchObject({ startDate: T, endDate: T + 7200 });
    });

    it('undoes a half-created room when a later sub-request fails, and reports the Kaltura code', async () => {
      const broken = adapterFor(fake, { now: () => T * 1000, eventDurationHours: -1 });
      const error = await rejectionOf(
        broken.createRoom({ guildId: '1001', meetingId: 'm', title: 'Oops', type: 'meeting' }),
      );
      expect(error).toMatchObject({
        code: 'KALTURA_REJECTED',
        status: 502,
        details: { kalturaCode: 'INVALID_SCHEDULE_END_BEFORE_START' },
      });
      const [resource] = fake.resources();
      expect(resource.status).toBe(3);
      expect(fake.callsTo('schedule_scheduleresource', 'delete')).toHaveLength(1);
      // The template entry goes too: nothing of the room is left behind.
      expect(fake.callsTo('media', 'delete')).toHaveLength(1);
      expect(fake.entries().map((e) => e.status)).toEqual([3]);
      expect(fake.callsTo('schedule_scheduleevent', 'cancel')).toHaveLength(0);
    });
  });

  describe('endRoom', () => {
    it('cancels the event and deletes the resource', async () => {
      const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
      fake.clearRecords();
      await adapter.endRoom(room);
      expect(fake.calls.map((c) => [c.service, c.action, c.params])).toEqual([
        ['schedule_scheduleevent', 'cancel', { scheduleEventId: room.eventId }],
        ['schedule_scheduleresource', 'delete', { scheduleResourceId: room.resourceId }],
      ]);
      expect(fake.event(room.eventId!)!.status).toBe(1);
      expect(fake.resource(room.resourceId)!.status).toBe(3);
    });

    it('is idempotent: a second end and an unknown room resolve (INVALID_OBJECT_ID is success)', async () => {
      const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
      await adapter.endRoom(room);
      fake.clearRecords();
      await expect(adapter.endRoom(room)).resolves.toBeUndefined();
      expect(fake.callsTo('schedule_scheduleresource', 'delete')[0].error).toBe('INVALID_OBJECT_ID');
      await expect(adapter.endRoom({ resourceId: 777777, eventId: 888888 })).resolves.toBeUndefined();
      expect(fake.calls.filter((c) => c.error === 'INVALID_OBJECT_ID')).toHaveLength(3);
    });

    it('deletes only the resource when there is no event', async () => {
      const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
      fake.clearRecords();
      await adapter.endRoom({ resourceId: room.resourceId });
      expect(fake.calls.map((c) => `${c.service}.${c.action}`)).toEqual(['schedule_scheduleresource.delete']);
    });

    it('refuses malformed ids without calling Kaltura', async () => {
      await expect(adapter.endRoom({ resourceId: -1 })).rejects.toBeInstanceOf(ValidationFailedError);
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('getRoom', () => {
    it('reads resource and event in one multirequest', async () => {
      const room = await adapter.createRoom({
        guildId: '1001',
        meetingId: 'm',
        title: 'Weekly sync',
        type: 'meeting',
      });
      fake.clearRecords();
      expect(await adapter.getRoom(room)).toEqual({ room, name: 'Weekly sync', status: 'active' });
      expect(fake.requests.map((r) => r.target)).toEqual(['multirequest']);
      expect(fake.calls.map((c) => [c.service, c.action, c.params])).toEqual([
        ['schedule_scheduleresource', 'get', { scheduleResourceId: room.resourceId }],
        ['schedule_scheduleevent', 'get', { scheduleEventId: room.eventId }],
      ]);
    });

    it('reports ended when the event is cancelled, null when the resource is gone', async () => {
      const room = await adapter.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
      fake.event(room.eventId!)!.status = 1;
      expect(await adapter.getRoom(room)).toMatchObject({ status: 'ended' });
      expect(await adapter.getRoom({ resourceId: room.resourceId })).toMatchObject({ status: 'active' });
      await adapter.endRoom(room);
      expect(await adapter.getRoom(room)).toBeNull();
      expect(await adapter.getRoom({ resourceId: 5555 })).toBeNull();
    });
  });

  describe('ensureUser', () => {
    it('adds a missing user in one call', async () => {
      await adapter.ensureUser({ id: 'discord_123', displayName: 'Ada, the Countess' });
      expect(fake.calls.map((c) => [c.service, c.action, c.error])).toEqual([['user', 'add', undefined]]);
      expect(fake.calls[0].params).toEqual({
        user: {
          objectType: 'KalturaUser',
          id: 'discord_123',
          screenName: 'Ada the Countess',
          firstName: 'Ada the Countess',
        },
      });
      expect(fake.user('discord_123')).toBeDefined();
    });

    it('leaves an existing user as it is (DUPLICATE_USER_BY_ID is success), in one call', async () => {
      fake.seedUser({ id: 'discord_1', firstName: 'Original' });
      await adapter.ensureUser({ id: 'discord_1', displayName: 'A' });
      expect(fake.calls.map((c) => [c.service, c.action, c.error])).toEqual([
        ['user', 'add', 'DUPLICATE_USER_BY_ID'],
      ]);
      expect(fake.user('discord_1')).toMatchObject({ firstName: 'Original' });
    });

    it("counts an existing user's DUPLICATE_USER_BY_ID as a success in the metrics, not a Kaltura error", async () => {
      const metrics = new RecordingMetrics();
      const counted = adapterFor(fake, { metrics });
      fake.seedUser({ id: 'discord_7' });
      await counted.ensureUser({ id: 'discord_7', displayName: 'G' });
      expect(metrics.seen.map((s) => [s.service, s.action, s.outcome])).toEqual([['user', 'add', 'success']]);
    });

    it('treats DUPLICATE_USER_BY_ID (a concurrent add) as success', async () => {
      fake.setLatency(50);
      await Promise.all([
        adapter.ensureUser({ id: 'discord_race', displayName: 'R' }),
        adapter.ensureUser({ id: 'discord_race', displayName: 'R' }),
      ]);
      expect(fake.callsTo('user', 'add').map((c) => c.error)).toEqual([undefined, 'DUPLICATE_USER_BY_ID']);
    });

    it('pools connections: a crowd of calls shares at most KALTURA_MAX_SOCKETS keep-alive connections', async () => {
      fake.setLatency(20);
      // A generous per-attempt timeout: on a loaded CI machine a retried attempt would be a 201st request.
      const patient = adapterFor(fake, { timeoutMs: 15_000 });
      const before = fake.connectionsOpened;
      await Promise.all(
        Array.from({ length: 200 }, () => patient.getRoom({ resourceId: 404, eventId: 405 })),
      );
      expect(fake.requests).toHaveLength(200);
      const opened = fake.connectionsOpened - before;
      expect(opened).toBeGreaterThan(1);
      expect(opened).toBeLessThanOrEqual(KALTURA_MAX_SOCKETS);
    });

    it('a lone call is a plain user.add, not a multirequest', async () => {
      await adapter.ensureUser({ id: 'discord_alone', displayName: 'A' });
      expect(fake.requests.map((r) => r.target)).toEqual(['user.add']);
    });

    it(`a crowd of new members shares multirequests of at most ${KALTURA_USER_BATCH_MAX} users`, async () => {
      fake.seedUser({ id: 'discord_crowd7' });
      const crowd = Array.from({ length: 60 }, (_, i) => `discord_crowd${i}`);
      await Promise.all(crowd.map((id) => adapter.ensureUser({ id, displayName: `Member ${id}` })));

      expect(fake.requests.map((r) => r.target)).toEqual(['multirequest', 'multirequest', 'multirequest']);
      const adds = fake.callsTo('user', 'add');
      expect(adds.map((c) => c.multirequestIndex)).toEqual([
        ...Array(25).keys(),
        ...Array(25).keys(),
        ...Array(10).keys(),
      ]);
      expect(adds.map((c) => (c.params.user as { id: string }).id)).toEqual(crowd);
      expect(adds.filter((c) => c.error).map((c) => c.error)).toEqual(['DUPLICATE_USER_BY_ID']);
      for (const id of crowd) expect(fake.user(id)).toBeDefined();
      expect(fake.user('discord_crowd3')).toMatchObject({ firstName: 'Member discord_crowd3' });
    });

    it('counts a batch whose only exceptions are DUPLICATE_USER_BY_ID as a success', async () => {
      const metrics = new RecordingMetrics();
      const counted = adapterFor(fake, { metrics });
      fake.seedUser({ id: 'discord_known' });
      await Promise.all(
        ['discord_known', 'discord_new'].map((id) => counted.ensureUser({ id, displayName: 'M' })),
      );
      expect(metrics.seen.map((s) => [s.service, s.action, s.outcome])).toEqual([
        ['multirequest', 'ensureUsers', 'success'],
      ]);
    });

    it("fails only the member whose slot Kaltura refused; the others' calls succeed", async () => {
      fake.refuseAction('user.add', 'USER_BLOCKED', (p) => (p.user as { id?: string }).id === 'discord_b');
      const results = await Promise.allSettled(
        ['discord_a', 'discord_b', 'discord_c'].map((id) => adapter.ensureUser({ id, displayName: 'M' })),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
        code: 'KALTURA_REJECTED',
      });
      expect(fake.requests).toHaveLength(1);
      expect(fake.user('discord_a')).toBeDefined();
      expect(fake.user('discord_b')).toBeUndefined();
    });

    it('rejects every member of a batch with KalturaUnavailableError when its request fails for good', async () => {
      fake.failNextRequests(10);
      const results = await Promise.allSettled(
        ['discord_x', 'discord_y'].map((id) => adapter.ensureUser({ id, displayName: 'M' })),
      );
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(KalturaUnavailableError);
      }
      expect(fake.requests.map((r) => r.target)).toEqual(['multirequest', 'multirequest', 'multirequest']);
    });

    it('refuses an invalid id before calling Kaltura', async () => {
      await expect(adapter.ensureUser({ id: 'not valid', displayName: 'x' })).rejects.toBeInstanceOf(
        ValidationFailedError,
      );
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('joinUrl', () => {
    const room = { resourceId: 321, eventId: 654 };

    it('mints a USER KS locally and builds the KAF launch URL', async () => {
      const url = await adapter.joinUrl({
        room,
        user: { id: 'discord_5', firstName: 'Grace', lastName: 'Hopper' },
        role: 'moderator',
      });
      expect(url.startsWith(`${KAF_URL}/virtualEvent/launch?ks=`)).toBe(true);
      const raw = url.slice(`${KAF_URL}/virtualEvent/launch?ks=`.length);
      expect(raw).toBe(encodeURIComponent(decodeURIComponent(raw)));
      const ks = parseKs(decodeURIComponent(raw), fake.adminSecret, { partnerId: fake.partnerId, now: T });
      expect(ks).toEqual({
        version: 2,
        partnerId: fake.partnerId,
        userId: 'discord_5',
        type: KsType.USER,
        expiry: T + 900,
        privileges: {
          resourceId: '321',
          role: 'adminRole',
          userContextualRole: '0',
          firstName: 'Grace',
          lastName: 'Hopper',
        },
      });
      expect(fake.requests).toHaveLength(0);
    });

    it.each([
      ['admin', 'adminRole', '0'],
      ['moderator', 'adminRole', '0'],
      ['viewer', 'viewerRole', '3'],
    ] as const)('%s joins as %s with userContextualRole %s', async (role, kalturaRole, contextual) => {
      const url = await adapter.joinUrl({ room, user: { id: 'discord_5', firstName: 'G' }, role });
      const ks = parseKs(new URL(url).searchParams.get('ks')!, fake.adminSecret, { now: T });
      expect(ks.privileges).toMatchObject({ role: kalturaRole, userContextualRole: contextual });
    });
  });

  describe('findRecordings', () => {
    const owner = { guildId: '1001', meetingId: 'Abc123XYZ9' };

    it("finds a meeting's ready recordings by admin tags, and nothing else", async () => {
      const room = await adapter.createRoom({ ...owner, title: 'Standup', type: 'meeting' });
      expect(await adapter.findRecordings(owner)).toEqual([]); // the template alone is no recording

      const recording = fake.recordSession(room.eventId!, 1_234);
      // Lookalikes: a longer meeting id, the same meeting id under another guild, no tags, another partner's tags.
      fake.seedEntry({ adminTags: 'kd,kd-guild:1001,kd-meeting:Abc123XYZ9x', templateEntryId: '0_t' });
      fake.seedEntry({ adminTags: 'kd,kd-guild:2002,kd-meeting:Abc123XYZ9', templateEntryId: '0_t' });
      fake.seedEntry({});
      fake.seedEntry({ adminTags: 'zoom,meeting:Abc123XYZ9', templateEntryId: '0_t' });

      expect(await adapter.findRecordings(owner)).toEqual([
        { entryId: recording.id, name: 'Standup', durationSeconds: 1_234, owner },
      ]);
      const [list] = fake.callsTo('media', 'list');
      expect(list.params).toMatchObject({
        filter: {
          objectType: 'KalturaMediaEntryFilter',
          adminTagsLike: 'kd-meeting:Abc123XYZ9',
          statusEqual: '2',
        },
      });
    });

    it('copies exactly what entry::copyTemplate copies: not referenceId, not categories', async () => {
      const room = await adapter.createRoom({ ...owner, title: 'Standup', type: 'meeting' });
      const template = fake.entry(fake.event(room.eventId!)!.templateEntryId!)!;
      template.referenceId = 'ref-1';
      template.categories = 'Meetings';
      const recording = fake.recordSession(room.eventId!);
      expect(recording).toMatchObject({
        name: template.name,
        adminTags: template.adminTags,
        partnerData: template.partnerData,
        templateEntryId: template.id,
        status: 2,
      });
      expect(recording.referenceId).toBeUndefined();
      expect(recording.categories).toBeUndefined();
    });

    it("answers Kaltura's own error shapes for bad entries", async () => {
      const post = (body: unknown) =>
        fetch(`${fake.url}/api_v3/service/media/action/add`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json());
      const ks = mintKs({
        secret: fake.adminSecret,
        partnerId: fake.partnerId,
        type: KsType.ADMIN,
        userId: '',
        privileges: '',
        expiresIn: 600,
        now: Math.floor(Date.now() / 1000),
      });
      expect(await post({ ks, entry: { objectType: 'KalturaMediaEntry', name: 'x' } })).toMatchObject({
        objectType: 'KalturaAPIException',
        code: 'PROPERTY_VALIDATION_CANNOT_BE_NULL',
      });
      expect(await post({ ks, entry: { objectType: 'KalturaMediaEntry', mediaType: 99 } })).toMatchObject({
        code: 'INVALID_ENUM_VALUE',
      });
      const get = await fetch(`${fake.url}/api_v3/service/media/action/get`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ks, entryId: '0_nope' }),
      }).then((r) => r.json());
      expect(get).toMatchObject({ code: 'ENTRY_ID_NOT_FOUND', args: { ENTRY_ID: '0_nope' } });
    });
  });
});
