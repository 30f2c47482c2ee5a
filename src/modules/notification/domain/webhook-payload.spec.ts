import { randomBytes } from 'node:crypto';
import { parseWebhookBody } from './webhook-payload';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const parse = (body: Buffer | string, type: string | undefined = 'application/json') =>
  parseWebhookBody(Buffer.isBuffer(body) ? body : Buffer.from(body), type);

const entry = {
  eventNotificationJobId: 77,
  eventType: 3,
  eventObjectType: 1,
  templateId: 12,
  templateSystemName: 'ENTRY_READY',
  object: { objectType: 'KalturaMediaEntry', id: '0_abc', status: 2 },
  objectType: 'KalturaHttpNotification',
};

describe('webhook body parsing', () => {
  it('reads a JSON object-data body', () => {
    expect(parse(json(entry))).toEqual({
      ok: true,
      payload: {
        format: 'json',
        eventNotificationJobId: '77',
        eventType: '3',
        eventObjectType: '1',
        templateId: '12',
        templateSystemName: 'ENTRY_READY',
        object: entry.object,
      },
    });
  });

  it('reads enums and ids sent as numeric strings the same as numbers', () => {
    const asStrings = {
      ...entry,
      eventNotificationJobId: '77',
      eventType: '3',
      eventObjectType: '1',
      templateId: '12',
    };
    const a = parse(json(entry));
    const b = parse(json(asStrings));
    expect(a).toEqual(b);
  });

  it('keeps plugin event object types as names', () => {
    const r = parse(
      json({ eventType: 3, eventObjectType: 'scheduleEventNotifications.ScheduleEvent', object: {} }),
    );
    expect(r.ok && r.payload.eventObjectType).toBe('scheduleEventNotifications.ScheduleEvent');
  });

  it('reads data=<urlencoded JSON>, also when labelled application/json', () => {
    const body = 'data=' + encodeURIComponent(JSON.stringify(entry)).replace(/%20/g, '+');
    for (const type of ['application/json', 'application/x-www-form-urlencoded', undefined]) {
      const r = parse(body, type);
      expect(r.ok && r.payload).toMatchObject({
        format: 'data-json',
        eventNotificationJobId: '77',
        object: entry.object,
      });
    }
  });

  it('decodes + as a space inside data= (PHP urlencode)', () => {
    const r = parse(
      'data=' + encodeURIComponent(JSON.stringify({ object: { name: 'a b' } })).replace(/%20/g, '+'),
    );
    expect(r.ok && r.payload.object).toEqual({ name: 'a b' });
  });

  it('reads form fields (field-data templates) as the object', () => {
    const r = parse(
      'entryId=0_abc&status=2&referenceId=Abc123XYZ9&eventType=3',
      'application/x-www-form-urlencoded',
    );
    expect(r).toEqual({
      ok: true,
      payload: {
        format: 'form',
        eventType: '3',
        object: { entryId: '0_abc', status: '2', referenceId: 'Abc123XYZ9', eventType: '3' },
      },
    });
  });

  it('accepts an empty body (templates without data)', () => {
    expect(parse('', 'application/x-www-form-urlencoded')).toEqual({
      ok: true,
      payload: { format: 'empty', object: {} },
    });
    expect(parse('  \n', undefined)).toEqual({ ok: true, payload: { format: 'empty', object: {} } });
  });

  it('does not mistake a JSON field named "ok" for a parse failure', () => {
    const r = parse(json({ ok: false, eventType: 3 }));
    expect(r.ok).toBe(true);
  });

  it.each([
    ['random bytes', randomBytes(256)],
    ['truncated JSON', Buffer.from(JSON.stringify(entry).slice(0, 40))],
    ['a JSON array', json([entry])],
    ['a JSON string', Buffer.from('"hello"')],
    ['plain words', Buffer.from('hello world')],
    ['data= with broken JSON', Buffer.from('data=%7B%22a%22')],
    ['data= holding an array', Buffer.from('data=%5B1%5D')],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ])('refuses %s with 400', (_label, body) => {
    const r = parse(body);
    expect(r).toMatchObject({ ok: false, status: 400, code: 'MALFORMED_WEBHOOK' });
  });

  it.each([
    ['eventType as an object', { eventType: { a: 1 } }, 'eventType'],
    ['eventType as a boolean', { eventType: true }, 'eventType'],
    ['a negative job id', { eventNotificationJobId: -4 }, 'eventNotificationJobId'],
    ['a non-numeric job id', { eventNotificationJobId: 'abc' }, 'eventNotificationJobId'],
    ['object as a string', { object: 'entry' }, 'object'],
    ['object as an array', { object: [1] }, 'object'],
    ['an event type with spaces', { eventType: 'drop table' }, 'eventType'],
  ])('refuses %s with 400 naming the field', (_label, body, field) => {
    const r = parse(json(body));
    expect(r).toMatchObject({ ok: false, status: 400 });
    expect(!r.ok && r.errors?.map((e) => e.field)).toContain(field);
  });

  it.each(['application/xml', 'multipart/form-data; boundary=x', 'image/png', 'application/octet-stream'])(
    'refuses the media type %s with 415',
    (type) => {
      expect(parse(json(entry), type)).toMatchObject({
        ok: false,
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    },
  );

  it('accepts a charset parameter and upper-case media types', () => {
    expect(parse(json(entry), 'Application/JSON; charset=utf-8').ok).toBe(true);
  });

  it('refuses a form with too many fields', () => {
    const body = Array.from({ length: 600 }, (_, i) => `f${i}=1`).join('&');
    expect(parse(body, 'application/x-www-form-urlencoded')).toMatchObject({ ok: false, status: 400 });
  });
});
