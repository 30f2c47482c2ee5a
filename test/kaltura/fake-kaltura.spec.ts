import { KsType, mintKs, parseKs } from '../../src/modules/kaltura';
import { FakeKaltura } from '../fakes/kaltura';

/**
 * The fake itself, spoken to over raw HTTP: it must behave like api_v3 where the adapter (and other
 * engineers' end-to-end tests) rely on it.
 */
describe('FakeKaltura (api_v3 over HTTP)', () => {
  const fake = new FakeKaltura();
  let adminKs: string;

  const post = async (
    path: string,
    body: string | Record<string, unknown>,
    form = false,
  ): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${fake.url}/api_v3/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  };
  const call = (service: string, action: string, params: Record<string, unknown>) =>
    post(`service/${service}/action/${action}`, { format: 1, ks: adminKs, ...params });

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    adminKs = mintKs({
      secret: fake.adminSecret,
      partnerId: fake.partnerId,
      type: KsType.ADMIN,
      expiresIn: 600,
    });
  });

  describe('session.start', () => {
    it('returns a KS for the right secret (form body) and an exception with HTTP 200 otherwise', async () => {
      const ok = await post(
        'service/session/action/start',
        `secret=${fake.adminSecret}&partnerId=${fake.partnerId}&type=2&userId=admin&expiry=60&privileges=disableentitlement&format=1`,
        true,
      );
      expect(ok.status).toBe(200);
      expect(parseKs(ok.json, fake.adminSecret)).toMatchObject({
        type: 2,
        userId: 'admin',
        privileges: { disableentitlement: '' },
      });

      const bad = await post('service/session/action/start', {
        secret: 'nope',
        partnerId: fake.partnerId,
        type: 2,
      });
      expect(bad).toEqual({
        status: 200,
        json: expect.objectContaining({ code: 'START_SESSION_ERROR', objectType: 'KalturaAPIException' }),
      });
    });
  });

  describe('KS verification on every other call', () => {
    it.each([
      ['a missing KS', undefined, 'MISSING_KS'],
      ['a garbage KS', 'djJ8garbage', 'INVALID_KS'],
      [
        'a KS signed with another secret',
        () => mintKs({ secret: 'x', partnerId: fake.partnerId, type: KsType.ADMIN, expiresIn: 60 }),
        'INVALID_KS',
      ],
      [
        "another partner's KS",
        () => mintKs({ secret: fake.adminSecret, partnerId: 1, type: KsType.ADMIN, expiresIn: 60 }),
        'INVALID_KS',
      ],
      [
        'an expired KS',
        () =>
          mintKs({
            secret: fake.adminSecret,
            partnerId: fake.partnerId,
            type: KsType.ADMIN,
            expiresAt: 1000,
          }),
        'INVALID_KS',
      ],
      [
        'a USER KS',
        () =>
          mintKs({ secret: fake.adminSecret, partnerId: fake.partnerId, type: KsType.USER, expiresIn: 60 }),
        'SERVICE_FORBIDDEN',
      ],
    ])('rejects %s', async (_label, ks, code) => {
      const value = typeof ks === 'function' ? ks() : ks;
      const res = await post('service/user/action/get', {
        format: 1,
        userId: 'x',
        ...(value ? { ks: value } : {}),
      });
      expect(res.status).toBe(200);
      expect(res.json.code).toBe(code);
      expect(fake.calls[0].error).toBe(code);
    });

    it('honours the one-shot INVALID_KS switch', async () => {
      fake.seedUser({ id: 'u1' });
      fake.rejectNextKs();
      expect((await call('user', 'get', { userId: 'u1' })).json.code).toBe('INVALID_KS');
      expect((await call('user', 'get', { userId: 'u1' })).json.id).toBe('u1');
    });
  });

  describe('objects', () => {
    it('refuses abstract or missing object types', async () => {
      const missing = await call('schedule_scheduleresource', 'add', { scheduleResource: { name: 'r' } });
      expect(missing.json.code).toBe('OBJECT_TYPE_ABSTRACT');
      const abstract = await call('schedule_scheduleevent', 'add', {
        scheduleEvent: {
          objectType: 'KalturaScheduleEvent',
          summary: 's',
          startDate: 1,
          endDate: 2,
          recurrenceType: 0,
        },
      });
      expect(abstract.json.code).toBe('OBJECT_TYPE_ABSTRACT');
      expect(fake.resources()).toHaveLength(0);
    });

    it('reads nested form parameters in bracket and colon notation', async () => {
      const body = new URLSearchParams({
        ks: adminKs,
        format: '1',
        'scheduleResource[objectType]': 'KalturaLocationScheduleResource',
        'scheduleResource[name]': 'Form room',
        'scheduleResource:tags': 'vcprovider:newrow',
      }).toString();
      const res = await post('service/schedule_scheduleresource/action/add', body, true);
      expect(res.json).toMatchObject({
        objectType: 'KalturaLocationScheduleResource',
        name: 'Form room',
        tags: 'vcprovider:newrow',
        status: 2,
      });
    });

    it('lists resources with a filter and pager, hiding deleted ones', async () => {
      for (const name of ['a', 'b', 'c']) {
        await call('schedule_scheduleresource', 'add', {
          scheduleResource: {
            objectType: 'KalturaLocationScheduleResource',
            name,
            tags: name === 'c' ? 'other' : 'vcprovider:newrow',
          },
        });
      }
      const [first] = fake.resources();
      await call('schedule_scheduleresource', 'delete', { scheduleResourceId: first.id });
      const list = await call('schedule_scheduleresource', 'list', {
        filter: { objectType: 'KalturaScheduleResourceFilter', tagsLike: 'vcprovider' },
        pager: { objectType: 'KalturaFilterPager', pageSize: 10, pageIndex: 1 },
      });
      expect(list.json).toMatchObject({ objectType: 'KalturaScheduleResourceListResponse', totalCount: 1 });
      expect(list.json.objects.map((r: any) => r.name)).toEqual(['b']);
      expect(
        (await call('schedule_scheduleresource', 'get', { scheduleResourceId: first.id })).json.code,
      ).toBe('INVALID_OBJECT_ID');
    });

    it('answers unknown services and actions like api_v3', async () => {
      expect((await call('nosuch', 'get', {})).json.code).toBe('SERVICE_DOES_NOT_EXISTS');
      expect((await call('user', 'explode', {})).json.code).toBe('ACTION_DOES_NOT_EXISTS');
    });
  });

  describe('multirequest', () => {
    it('resolves {N:result:path} references (1-based) and returns one slot per request', async () => {
      const res = await post('service/multirequest', {
        format: 1,
        ks: adminKs,
        '0': {
          service: 'schedule_scheduleresource',
          action: 'add',
          scheduleResource: { objectType: 'KalturaLocationScheduleResource', name: 'R' },
        },
        '1': {
          service: 'schedule_scheduleevent',
          action: 'add',
          scheduleEvent: {
            objectType: 'KalturaRecordScheduleEvent',
            summary: '{1:result:name}',
            startDate: 10,
            endDate: 20,
            recurrenceType: 0,
          },
        },
        '2': {
          service: 'schedule_scheduleeventresource',
          action: 'add',
          scheduleEventResource: {
            objectType: 'KalturaScheduleEventResource',
            eventId: '{2:result:id}',
            resourceId: '{1:result:id}',
          },
        },
      });
      expect(res.json).toHaveLength(3);
      const [resource, event, link] = res.json;
      expect(event.summary).toBe('R');
      expect(link).toMatchObject({ eventId: event.id, resourceId: resource.id });
      expect(fake.calls.map((c) => c.multirequestIndex)).toEqual([0, 1, 2]);
      expect((fake.calls[2].params.scheduleEventResource as any).eventId).toBe('{2:result:id}');
    });

    it('puts an exception in its slot and fails requests that refer to it (form body, 1-based keys)', async () => {
      const body = new URLSearchParams({
        ks: adminKs,
        '1:service': 'schedule_scheduleresource',
        '1:action': 'add',
        '1:scheduleResource:name': 'no type',
        '2:service': 'schedule_scheduleeventresource',
        '2:action': 'add',
        '2:scheduleEventResource:eventId': '5',
        '2:scheduleEventResource:resourceId': '{1:result:id}',
      }).toString();
      const res = await post('service/multirequest', body, true);
      expect(res.json.map((slot: any) => slot.code)).toEqual([
        'OBJECT_TYPE_ABSTRACT',
        'PROPERTY_VALIDATION_CANNOT_BE_NULL',
      ]);
    });
  });

  describe('fault switches', () => {
    it('answers 5xx for the next N requests, then recovers', async () => {
      fake.failNextRequests(2, 502);
      expect((await call('user', 'get', { userId: 'x' })).status).toBe(502);
      expect((await call('user', 'get', { userId: 'x' })).status).toBe(502);
      expect((await call('user', 'get', { userId: 'x' })).status).toBe(200);
      expect(fake.requests.map((r) => r.fault)).toEqual(['http-error', 'http-error', undefined]);
      expect(fake.calls).toHaveLength(1);
    });

    it('resets connections, and refuses them while down', async () => {
      fake.resetNextConnections(1);
      await expect(call('user', 'get', { userId: 'x' })).rejects.toThrow();
      await fake.goDown();
      await expect(call('user', 'get', { userId: 'x' })).rejects.toThrow();
      await fake.goUp();
      expect((await call('user', 'get', { userId: 'x' })).status).toBe(200);
    });

    it('delays answers by the configured latency', async () => {
      fake.setLatency(150);
      const started = Date.now();
      await call('user', 'get', { userId: 'x' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });
  });
});
