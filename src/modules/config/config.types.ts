/** Notification kinds a guild can switch on or off and template. */
export const NOTIFICATION_TYPES = [
  'meeting_start',
  'meeting_end',
  'user_join',
  'recording_ready',
  'meeting_share',
  'attendance',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Project-level roles of a Discord member for Kaltura purposes, lowest first. */
export const MEMBER_ROLES = ['viewer', 'moderator', 'admin'] as const;
/** Project-level role of a Discord member for Kaltura purposes. */
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * Placeholders each template may use. Values are filled in by the notification module, escaped so that they
 * cannot inject Discord markdown or mentions.
 */
export const TEMPLATE_PLACEHOLDERS: Record<NotificationType, readonly string[]> = {
  meeting_start: ['meeting.id', 'meeting.title', 'meeting.type', 'meeting.description', 'host.name'],
  meeting_end: ['meeting.id', 'meeting.title', 'meeting.type', 'meeting.duration', 'host.name'],
  user_join: ['meeting.id', 'meeting.title', 'meeting.type', 'user.name', 'host.name'],
  recording_ready: [
    'meeting.id',
    'meeting.title',
    'meeting.type',
    'recording.url',
    'recording.name',
    'recording.duration',
    'host.name',
  ],
  meeting_share: ['meeting.id', 'meeting.title', 'meeting.type', 'user.name', 'host.name'],
  attendance: [
    'meeting.id',
    'meeting.title',
    'meeting.type',
    'host.name',
    'attendance.count',
    'attendance.members',
    'attendance.names',
  ],
};

/** Every slash command of the bot: the only names `commands.permissions` accepts. */
export const COMMAND_NAMES = [
  'kaltura-start',
  'kaltura-join',
  'kaltura-list',
  'kaltura-end',
  'kaltura-config-view',
  'kaltura-config-update',
  'kaltura-config-reset',
  'kaltura-help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The top-level sections of a guild configuration. */
export const CONFIG_SECTIONS = ['notifications', 'commands', 'roles', 'features', 'limits'] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

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
  /** Budgets and caps the meetings use cases enforce (every transport): see docs/configuration.md. */
  limits: {
    commands: {
      /** Meeting commands (start, join, list, end) one member may use per window. */
      perMember: number;
      /** Meeting commands the whole guild may use per window. */
      perGuild: number;
      /** The budgets' window, in seconds. */
      windowSeconds: number;
    };
    meetings: {
      /** Active meetings one member may host at once. */
      activePerHost: number;
      /** Active meetings the guild may have at once. */
      activePerGuild: number;
    };
  };
}

/** A JSON value as stored in overrides and shown in views. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * What one guild changed from the defaults: a sparse tree with GuildConfig's shape holding only differing
 * values (objects merge into the defaults, arrays and scalars replace them).
 */
export type ConfigOverride = JsonObject;

/** Who changed a configuration, for the audit trail. Never a secret. */
export interface ConfigActor {
  /** `discord`: a slash command; `api`: the REST API; `system`: the service itself. */
  kind: 'discord' | 'api' | 'system';
  /** Discord user id, API subject (user or API key id) or a system component name. */
  id: string;
  /** Display name when known. */
  name?: string;
}

/** Where an effective value comes from. */
export type ValueSource = 'default' | 'override';

/** One leaf of the effective configuration, e.g. `notifications.types.user_join`. */
export interface ConfigEntry {
  key: string;
  value: JsonValue;
  source: ValueSource;
}

/** Why a guild does not run on its stored override (or why defaults could not be reloaded). */
export interface ConfigProblem {
  guildId: string | null;
  /** `unreadable`: not JSON; `invalid`: breaks the schema; `unavailable`: the store did not answer. */
  kind: 'unreadable' | 'invalid' | 'unavailable';
  message: string;
  errors: Array<{ field: string; message: string }>;
  /** What the guild runs on meanwhile. */
  using: 'last-good' | 'defaults';
  since: string;
}

/** The effective configuration of a guild (or one section of it), with where each value comes from. */
export interface ConfigView {
  guildId: string;
  section: ConfigSection | null;
  /** The stored override's version; null when the guild has no override. */
  version: string | null;
  /** Effective values: the whole config, or the requested section. */
  config: JsonObject;
  /** What the guild overrides (the whole override, or the requested section). */
  override: JsonObject;
  entries: ConfigEntry[];
  problems: ConfigProblem[];
}

/** One changed key: effective value before and after (`null` when absent). */
export interface ConfigChange {
  key: string;
  old: JsonValue;
  new: JsonValue;
}

/** One audited configuration change. */
export interface ConfigAuditEntry {
  id: string;
  guildId: string;
  at: Date;
  actor: ConfigActor;
  action: 'update' | 'reset';
  keys: string[];
  changes: ConfigChange[];
}

/** Events the config module emits through EventEmitter2 (on every replica). */
export const CONFIG_EVENTS = { changed: 'config.changed' } as const;

/** Payload of `config.changed`. */
export interface ConfigChangedEvent {
  guildId: string;
  /** `update`/`reset`: written on this replica; `reload`: edited on disk; `remote`: written by another replica. */
  source: 'update' | 'reset' | 'reload' | 'remote';
  /** Changed keys, when this replica knows them. */
  keys?: string[];
}
