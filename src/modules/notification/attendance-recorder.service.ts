import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { MEETING_EVENTS, MeetingEndedEvent, MeetingJoinedEvent } from '../meetings';
import { ATTENDANCE_CAP_PER_MEETING, attendanceSummary } from './domain/attendance';
import { meetingValues } from './meeting-events.listener';
import { NotificationService } from './notification.service';
import { AttendanceRepository } from './persistence/attendance.repository';

/**
 * Attendance: every personal link handed out (`meeting.joined`) is recorded per meeting and member; when the
 * meeting ends, one `attendance` notification ("N members joined" with the names, the full list as CSV past a
 * size) goes to the meeting's channel. Names never ping: the post has `allowed_mentions: { parse: [] }` whatever
 * the guild allows. Nobody took a link → no post. Like every listener, it never fails the use case.
 */
@Injectable()
export class AttendanceRecorder {
  private readonly log = new Logger('attendance');

  constructor(
    private readonly repository: AttendanceRepository,
    private readonly notifications: NotificationService,
  ) {}

  @OnEvent(MEETING_EVENTS.joined)
  async onJoined({ meeting, user, role }: MeetingJoinedEvent): Promise<void> {
    await this.guard(MEETING_EVENTS.joined, async () => {
      const stored = await this.repository.record({
        meetingId: meeting.id,
        guildId: meeting.guildId,
        memberId: user.id,
        displayName: user.displayName,
        role,
        at: new Date(),
      });
      if (!stored)
        this.log.warn(
          { meetingId: meeting.id, cap: ATTENDANCE_CAP_PER_MEETING },
          'Attendance list full: member not recorded',
        );
    });
  }

  @OnEvent(MEETING_EVENTS.ended)
  async onEnded({ meeting }: MeetingEndedEvent): Promise<void> {
    await this.guard(MEETING_EVENTS.ended, async () => {
      const attendees = await this.repository.list(meeting.id);
      if (attendees.length === 0) return;
      const summary = attendanceSummary(attendees, attendees.length >= ATTENDANCE_CAP_PER_MEETING);
      await this.notifications.notify({
        type: 'attendance',
        dedupeKey: `attendance:${meeting.id}`,
        guildId: meeting.guildId,
        meetingId: meeting.id,
        meetingChannelId: meeting.channelId,
        values: { ...meetingValues({ ...meeting, meetingId: meeting.id }), ...summary.values },
        neverMention: true,
        ...(summary.attachment ? { attachment: summary.attachment } : {}),
        source: 'domain',
      });
    });
  }

  private async guard(event: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.log.error({ err, event }, 'Attendance: could not handle a meeting event');
    }
  }
}
