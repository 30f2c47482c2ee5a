import { classifyKalturaEvent } from './kaltura-event.classifier';
import type { KalturaWebhookPayload } from './kaltura-event.types';

const payload = (p: Partial<KalturaWebhookPayload>): KalturaWebhookPayload => ({
  format: 'json',
  object: {},
  ...p,
});

describe('Kaltura event mapping', () => {
  it('maps a READY entry change to recording_ready, with the admin tags and partner data it copied', () => {
    expect(
      classifyKalturaEvent(
        payload({
          eventType: '3',
          eventObjectType: '1',
          object: {
            objectType: 'KalturaMediaEntry',
            id: '0_rec1',
            status: '2',
            name: 'Standup recording',
            referenceId: 'Abc123XYZ9',
            tags: 'recording',
            adminTags: 'kd,kd-guild:1,kd-meeting:Abc123XYZ9',
            partnerData: '{"guildId":"1","meetingId":"Abc123XYZ9"}',
            duration: 95,
            downloadUrl: 'https://cdn.example.com/p/1/0_rec1.mp4',
          },
        }),
      ),
    ).toEqual({
      kind: 'recording_ready',
      entryId: '0_rec1',
      name: 'Standup recording',
      adminTags: 'kd,kd-guild:1,kd-meeting:Abc123XYZ9',
      partnerData: '{"guildId":"1","meetingId":"Abc123XYZ9"}',
      durationSeconds: 95,
    });
  });

  it('maps field-data entries (no event type, own field names)', () => {
    const mapped = classifyKalturaEvent(
      payload({
        format: 'form',
        object: { entry_id: '0_x', entry_status: '2', admin_tags: 'kd', entry_duration: '-1' },
      }),
    );
    expect(mapped).toMatchObject({
      kind: 'recording_ready',
      entryId: '0_x',
      adminTags: 'kd',
      partnerData: null,
      durationSeconds: null,
    });
  });

  it('leaves entries that are not ready, and live streams, unmapped', () => {
    expect(
      classifyKalturaEvent(
        payload({ eventType: '3', eventObjectType: '1', object: { id: '0_a', status: 1 } }),
      ).kind,
    ).toBe('unmapped');
    expect(
      classifyKalturaEvent(
        payload({ eventType: '7', eventObjectType: '1', object: { id: '0_a', status: 2 } }),
      ).kind,
    ).toBe('unmapped');
    expect(
      classifyKalturaEvent(
        payload({
          eventType: '3',
          eventObjectType: '38',
          object: { objectType: 'KalturaLiveStreamEntry', id: '1', status: 2 },
        }),
      ).kind,
    ).toBe('unmapped');
  });

  it.each([
    ['cancelled (status 1)', { status: 1 }, '3'],
    ['deleted (status "3")', { status: '3' }, '3'],
    ['OBJECT_DELETED', { status: 2 }, '7'],
  ])('maps a schedule event %s to schedule_event_ended', (_label, fields, eventType) => {
    expect(
      classifyKalturaEvent(
        payload({
          eventType,
          eventObjectType: 'scheduleEventNotifications.ScheduleEvent',
          object: { objectType: 'KalturaRecordScheduleEvent', id: 55, referenceId: 'Abc123XYZ9', ...fields },
        }),
      ),
    ).toEqual({ kind: 'schedule_event_ended', eventId: 55, referenceId: 'Abc123XYZ9' });
  });

  it('leaves an active schedule event unmapped', () => {
    expect(
      classifyKalturaEvent(
        payload({ eventType: '3', object: { objectType: 'KalturaRecordScheduleEvent', id: 5, status: 2 } }),
      ).kind,
    ).toBe('unmapped');
  });

  it('maps a deleted room (schedule resource) by its id', () => {
    expect(
      classifyKalturaEvent(
        payload({ eventType: '7', object: { objectType: 'KalturaLocationScheduleResource', id: '901' } }),
      ),
    ).toEqual({ kind: 'schedule_resource_deleted', resourceId: 901 });
  });

  it('keeps everything else unmapped, with a reason', () => {
    expect(
      classifyKalturaEvent(payload({ eventType: '2', object: { objectType: 'KalturaCategory' } })),
    ).toEqual({
      kind: 'unmapped',
      reason: 'no mapping for this event',
    });
    expect(classifyKalturaEvent({ format: 'empty', object: {} })).toEqual({
      kind: 'unmapped',
      reason: 'empty body',
    });
  });
});
