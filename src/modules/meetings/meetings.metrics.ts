import type { Provider } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/** Metric names (labels are bounded: no guild, user or meeting ids). */
export const MEETING_METRICS = {
  created: 'kd_meetings_created_total',
  joins: 'kd_meeting_joins_total',
  ended: 'kd_meetings_ended_total',
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
  ];
}
