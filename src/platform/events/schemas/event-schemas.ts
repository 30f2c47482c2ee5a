import { z } from 'zod';
import { EventAudience } from '../domain-event';

/**
 * The event catalogue: one payload schema per type and version, in code so a test checks every published event
 * against it and docs/events.md shows the same JSON Schema. A breaking payload change adds version 2 beside 1.
 * Payloads carry ids, names a guild member can already see in Discord, and states: never a secret or a join
 * link.
 */
const snowflake = z.string().regex(/^\d{17,20}$/);
const meetingRef = {
  meetingId: z.string().min(1),
  title: z.string(),
  type: z.string(),
  channelId: snowflake.nullable(),
};
const actor = z.object({ id: z.string().min(1), displayName: z.string() });

export interface EventTypeSpec {
  type: string;
  version: number;
  audience: EventAudience;
  description: string;
  data: z.ZodType;
}

export const EVENT_TYPES: readonly EventTypeSpec[] = [
  {
    type: 'meeting.created',
    version: 1,
    audience: 'viewer',
    description: 'A meeting was created and stored.',
    data: z.strictObject({ ...meetingRef, hostId: z.string().min(1), hostName: z.string() }),
  },
  {
    type: 'meeting.started',
    version: 1,
    audience: 'viewer',
    description:
      'A meeting room opened. Today a meeting starts when it is created (right after meeting.created).',
    data: z.strictObject({ ...meetingRef, startedAt: z.iso.datetime() }),
  },
  {
    type: 'meeting.ended',
    version: 1,
    audience: 'viewer',
    description:
      'A meeting ended, by a member (command, button, REST) or because Kaltura reported it cancelled.',
    data: z.strictObject({
      ...meetingRef,
      endedAt: z.iso.datetime(),
      endedBy: z.union([actor, z.literal('kaltura')]),
    }),
  },
  {
    type: 'meeting.link_issued',
    version: 1,
    audience: 'admin',
    description: 'A member was handed a personal join link (the link itself is never published).',
    data: z.strictObject({
      meetingId: z.string().min(1),
      user: actor,
      role: z.enum(['viewer', 'moderator', 'admin']),
    }),
  },
  {
    type: 'recording.ready',
    version: 1,
    audience: 'viewer',
    description: "Kaltura reported a meeting's recording ready.",
    data: z.strictObject({ meetingId: z.string().min(1), entryId: z.string().min(1), name: z.string() }),
  },
  {
    type: 'notification.delivered',
    version: 1,
    audience: 'admin',
    description: 'A notification was posted to its Discord channel.',
    data: z.strictObject({
      notificationId: z.string().min(1),
      type: z.string().min(1),
      channelId: snowflake,
      meetingId: z.string().nullable(),
    }),
  },
  {
    type: 'notification.failed',
    version: 1,
    audience: 'admin',
    description: 'A notification could not be delivered and will not be retried.',
    data: z.strictObject({
      notificationId: z.string().min(1),
      type: z.string().min(1),
      channelId: snowflake.nullable(),
      meetingId: z.string().nullable(),
      reason: z.string(),
    }),
  },
  {
    type: 'config.changed',
    version: 1,
    audience: 'admin',
    description: "The guild's configuration override was written or removed (keys changed, new version).",
    data: z.strictObject({ version: z.string().nullable(), keys: z.array(z.string()) }),
  },
];

/** The spec of `type` at `version`, if the catalogue has it. */
export function eventSpec(type: string, version: number): EventTypeSpec | undefined {
  return EVENT_TYPES.find((s) => s.type === type && s.version === version);
}

/** JSON Schema (draft 2020-12) of one event type's whole envelope, as shown in docs/events.md. */
export function eventJsonSchema(spec: EventTypeSpec): Record<string, unknown> {
  const envelope = z.strictObject({
    id: z.uuid(),
    type: z.literal(spec.type),
    version: z.literal(spec.version),
    guildId: snowflake,
    occurredAt: z.iso.datetime(),
    audience: z.literal(spec.audience),
    data: spec.data,
  });
  return z.toJSONSchema(envelope, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
