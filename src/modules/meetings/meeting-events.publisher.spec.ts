import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent, InProcessEventBus, eventProblems } from '../../platform/events';
import type { Meeting } from './domain/meeting';
import { MeetingEventsPublisher } from './meeting-events.publisher';

const meeting: Meeting = {
  id: 'Ab3dEf6hIj',
  guildId: '100000000000000001',
  channelId: '200000000000000002',
  messageId: null,
  hostId: '300000000000000003',
  hostName: 'Host',
  title: 'Maths',
  description: null,
  type: 'meeting' as Meeting['type'],
  status: 'active',
  kaltura: { resourceId: 42, eventId: 43 },
  createdAt: new Date('2026-01-01T10:00:00Z'),
  endedAt: null,
  endedBy: null,
};

describe('MeetingEventsPublisher', () => {
  it('publishes meeting events that match the catalogue, never room ids or links', async () => {
    const bus = new InProcessEventBus(new EventEmitter2());
    const seen: DomainEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    const publisher = new MeetingEventsPublisher(bus);
    await publisher.created({ meeting });
    await publisher.joined({
      meeting,
      user: { id: '400000000000000004', displayName: 'Ann' },
      role: 'moderator',
    });
    const ended = { ...meeting, status: 'ended' as const, endedAt: new Date('2026-01-01T11:00:00Z') };
    await publisher.ended({ meeting: ended, endedBy: { id: meeting.hostId, displayName: 'Host' } });
    await publisher.ended({ meeting: ended, endedBy: 'kaltura' });

    expect(seen.map((e) => [e.type, e.audience])).toEqual([
      ['meeting.created', 'viewer'],
      ['meeting.started', 'viewer'],
      ['meeting.link_issued', 'admin'],
      ['meeting.ended', 'viewer'],
      ['meeting.ended', 'viewer'],
    ]);
    for (const e of seen) expect(eventProblems(e)).toEqual([]);
    expect(JSON.stringify(seen)).not.toMatch(/resourceId|eventId|https?:/);
  });

  it('does nothing without a bus (the module booted alone)', async () => {
    await expect(new MeetingEventsPublisher().created({ meeting })).resolves.toBeUndefined();
  });
});
