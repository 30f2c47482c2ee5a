import type { Provider } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/** Metric names (labels are bounded: no guild, user or meeting ids). */
export const MEETING_METRICS = {
  created: 'kd_meetings_created_total',
  joins: 'kd_meeting_joins_total',
  ended: 'kd_meetings_ended_total',
  limited: 'kd_command_limited_total',
  deduplicated: 'kd_meeting_starts_deduplicated_total',
} as const;

export function meetingMetricProviders(): Provider[] {
  return [
    makeCounterProvider({
      name: MEETING_METRICS.created,
      help: 'Meetings created, by meeting type.',
      labelNames: ['type'],
    }),
    makeCounterProvider({
      name: MEETING_METRICS.joins,
      help: 'Personal join links handed out, by project role.',
      labelNames: ['role'],
    }),
    makeCounterProvider({
      name: MEETING_METRICS.ended,
      help: 'Meetings ended, by source (member: command, button or REST; kaltura: webhook).',
      labelNames: ['source'],
    }),
    makeCounterProvider({
      name: MEETING_METRICS.limited,
      help: 'Meeting commands refused by a limit, by command and scope (member, guild: command budgets; host_active, guild_active: active-meeting caps).',
      labelNames: ['command', 'scope'],
    }),
    makeCounterProvider({
      name: MEETING_METRICS.deduplicated,
      help: 'Starts answered with the meeting an identical start (same host, channel and title) made moments before.',
    }),
  ];
}
