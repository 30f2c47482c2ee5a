/** Notification kinds a guild can switch on or off and template. */
export const NOTIFICATION_TYPES = ['meeting_start', 'meeting_end', 'user_join', 'recording_ready', 'meeting_share'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Project-level role of a Discord member for Kaltura purposes. */
export type MemberRole = 'admin' | 'moderator' | 'viewer';

/**
 * Placeholders each template may use. Values are filled in by the notification module, escaped so that they
 * cannot inject Discord markdown or mentions.
 */
export const TEMPLATE_PLACEHOLDERS: Record<NotificationType, readonly string[]> = {
  meeting_start: ['meeting.id', 'meeting.title', 'meeting.type', 'meeting.description', 'host.name'],
  meeting_end: ['meeting.id', 'meeting.title', 'meeting.type', 'meeting.duration', 'host.name'],
  user_join: ['meeting.id', 'meeting.title', 'meeting.type', 'user.name', 'host.name'],
  recording_ready: ['meeting.id', 'meeting.title', 'meeting.type', 'recording.url', 'recording.name', 'host.name'],
  meeting_share: ['meeting.id', 'meeting.title', 'meeting.type', 'user.name', 'host.name'],
};

/** The effective configuration of one Discord guild: defaults deep-merged with that guild's override. */
export interface GuildConfig {
  notifications: {
    enabled: boolean;
    types: Record<NotificationType, boolean>;
    templates: Record<NotificationType, string>;
    /** Channel id or name; `default: null` means the channel the meeting was started in. */
    channels: { default: string | null } & Partial<Record<NotificationType, string | null>>;
    /** When false (the default) no notification can ping @everyone, roles or users. */
    allowMentions: boolean;
  };
  commands: {
    enabled: boolean;
    /** Command name → role ids/names allowed to use it, or `@everyone`. Unlisted commands: everyone. */
    permissions: Record<string, string[]>;
  };
  roles: {
    /** Discord role id or name → project role. */
    mapping: Record<string, MemberRole>;
  };
  features: Record<string, boolean>;
}
