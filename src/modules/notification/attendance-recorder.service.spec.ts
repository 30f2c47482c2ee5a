import { Logger } from '@nestjs/common';
import type { Meeting } from '../meetings';
import { AttendanceRecorder } from './attendance-recorder.service';
import type { NotificationService, NotifyInput } from './notification.service';
import { InMemoryAttendanceRepository } from './persistence/memory-attendance.repository';

beforeAll(() => Logger.overrideLogger(false));

const meeting = {
  id: 'Abc123XYZ9',
  guildId: '111111111111111111',
  channelId: '222222222222222222',
  title: 'Standup',
  type: 'meeting',
  description: null,
  hostId: '333333333333333333',
  hostName: 'Hana',
} as unknown as Meeting;

function setup(cap = 1_000) {
  const sent: NotifyInput[] = [];
  const notifications = { notify: async (input: NotifyInput) => (sent.push(input), null) };
  const repository = new InMemoryAttendanceRepository(cap);
  const recorder = new AttendanceRecorder(repository, notifications as unknown as NotificationService);
  const join = (id: string, displayName: string) =>
    recorder.onJoined({ meeting, user: { id, displayName }, role: 'viewer' });
  const end = () => recorder.onEnded({ meeting, endedBy: 'kaltura' });
  return { sent, repository, join, end };
}

describe('AttendanceRecorder', () => {
  it('records links and, at the end, raises one never-pinging attendance notification', async () => {
    const { sent, join, end } = setup();
    await join('1', 'Alice');
    await join('2', 'Bob');
    await join('1', 'Alice');
    await end();
    expect(sent).toEqual([
      expect.objectContaining({
        type: 'attendance',
        dedupeKey: 'attendance:Abc123XYZ9',
        meetingChannelId: '222222222222222222',
        neverMention: true,
        values: expect.objectContaining({
          'meeting.title': 'Standup',
          'attendance.members': '2 members',
          'attendance.names': 'Alice, Bob',
        }),
      }),
    ]);
    expect(sent[0]).not.toHaveProperty('attachment');
  });

  it('posts nothing for a meeting nobody took a link for', async () => {
    const { sent, end } = setup();
    await end();
    expect(sent).toEqual([]);
  });

  it('lists no member the store refused past its cap', async () => {
    const { sent, join, end } = setup(2);
    for (const id of ['1', '2', '3']) await join(id, `M${id}`);
    await end();
    expect(sent).toHaveLength(1);
    expect(sent[0].values).toMatchObject({ 'attendance.count': '2', 'attendance.names': 'M1, M2' });
  });

  it('never throws into the use case when the store fails', async () => {
    const { repository, join } = setup();
    jest.spyOn(repository, 'record').mockRejectedValue(new Error('down'));
    await expect(join('1', 'Alice')).resolves.toBeUndefined();
  });
});
