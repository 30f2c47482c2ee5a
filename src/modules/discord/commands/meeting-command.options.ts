import { StringOption } from 'necord';
import { MEETING_LIMITS, MEETING_TYPES, type MeetingType } from '../../meetings';

/** Option names (fixed: users type them). */
export const MEETING_ID_OPTION = 'meeting-id';

/** `/kaltura-start` options; declaration order is registration order, so required options come first. */
export class StartMeetingOptions {
  @StringOption({
    name: 'type',
    description: 'What kind of room to open',
    required: true,
    choices: MEETING_TYPES.map((type) => ({ name: type, value: type })),
  })
  type!: MeetingType;

  @StringOption({
    name: 'title',
    description: 'Meeting title (1–100 characters)',
    required: true,
    min_length: 1,
    max_length: MEETING_LIMITS.titleMax,
  })
  title!: string;

  @StringOption({
    name: 'description',
    description: 'What the meeting is about (up to 1,000 characters)',
    required: false,
    max_length: MEETING_LIMITS.descriptionMax,
  })
  description?: string | null;
}

/** `/kaltura-join` and `/kaltura-end`: the meeting, picked from the guild's active meetings. */
export class MeetingIdOptions {
  @StringOption({
    name: MEETING_ID_OPTION,
    description: 'The meeting (start typing its title)',
    required: true,
    autocomplete: true,
    // Users may type the exact title instead of picking a suggestion (docs/commands.md): room for any title.
    min_length: 1,
    max_length: MEETING_LIMITS.titleMax,
  })
  meetingId!: string;
}
