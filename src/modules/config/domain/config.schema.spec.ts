import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuildConfig } from '../config.types';
import { COMMAND_NAMES, NOTIFICATION_TYPES, TEMPLATE_PLACEHOLDERS } from '../config.types';
import { applyMergePatch } from './config-merge';
import { templateProblems } from './config.schema';
import { validateConfig, validateOverride } from './config-validation';

const defaults = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'config', 'default_config.json'), 'utf8'),
) as GuildConfig;

/** The field errors of an override, as `field: message` strings. */
function errorsOf(override: unknown): string[] {
  const result = validateOverride(override, defaults);
  return result.ok ? [] : result.errors.map((e) => `${e.field}: ${e.message}`);
}

function expectRefused(override: unknown, field: string, message: string | RegExp): void {
  const errors = errorsOf(override);
  const match = errors.find((e) => e.startsWith(`${field}: `));
  expect(match).toBeDefined();
  expect(match).toMatch(message);
}

const template = (type: string, text: string) => ({ notifications: { templates: { [type]: text } } });

describe('the shipped defaults', () => {
  it('are a valid, complete configuration', () => {
    expect(validateConfig(defaults)).toEqual({ ok: true, value: defaults });
  });

  it('have a template and an on/off switch for every notification type', () => {
    for (const type of NOTIFICATION_TYPES) {
      expect(typeof defaults.notifications.templates[type]).toBe('string');
      expect(typeof defaults.notifications.types[type]).toBe('boolean');
    }
  });

  it('refuse a defaults file with a missing key, naming it', () => {
    const broken = applyMergePatch(defaults as never, {
      notifications: { templates: { meeting_end: null } },
    });
    const result = validateConfig(broken);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toContain('notifications.templates.meeting_end');
  });
});

describe('overrides: structure', () => {
  it('accept an empty override and any subset of keys', () => {
    expect(errorsOf({})).toEqual([]);
    expect(
      errorsOf({ notifications: { types: { user_join: true } }, features: { scheduledEvents: true } }),
    ).toEqual([]);
  });

  it.each([
    [{ colour: 'blue' }, 'colour'],
    [{ notifications: { sound: true } }, 'notifications.sound'],
    [{ notifications: { types: { meeting_pause: true } } }, 'notifications.types.meeting_pause'],
    [{ notifications: { templates: { meeting_pause: 'x' } } }, 'notifications.templates.meeting_pause'],
    [{ notifications: { channels: { fallback: 'general' } } }, 'notifications.channels.fallback'],
    [{ commands: { prefix: '!' } }, 'commands.prefix'],
    [{ roles: { default: 'viewer' } }, 'roles.default'],
  ])('refuse the unknown key in %j, naming %s', (override, field) => {
    expectRefused(override, field, 'is not a known setting');
  });

  it.each([
    [{ notifications: { enabled: 'true' } }, 'notifications.enabled', /expected boolean/],
    [{ notifications: { types: { meeting_end: 1 } } }, 'notifications.types.meeting_end', /expected boolean/],
    [{ notifications: { allowMentions: null } }, 'notifications.allowMentions', /expected boolean/],
    [
      { notifications: { templates: { meeting_end: 5 } } },
      'notifications.templates.meeting_end',
      /expected string/,
    ],
    [{ notifications: 'off' }, 'notifications', /expected object/],
    [
      { commands: { permissions: { 'kaltura-start': 'Teachers' } } },
      'commands.permissions.kaltura-start',
      /expected array/,
    ],
    [{ roles: { mapping: ['admin'] } }, 'roles.mapping', /expected record/],
    [{ features: { scheduledEvents: 'on' } }, 'features.scheduledEvents', /expected boolean/],
  ])('refuse the wrong type in %j, naming %s', (override, field, message) => {
    expectRefused(override, field, message);
  });

  it('report every problem at once, not only the first', () => {
    expect(
      errorsOf({ notifications: { enabled: 'x', colour: 1 }, features: { teleport: true } }),
    ).toHaveLength(3);
  });
});

describe('overrides: templates', () => {
  it('accept every documented placeholder of their type, with or without inner spaces', () => {
    for (const type of NOTIFICATION_TYPES) {
      const text = TEMPLATE_PLACEHOLDERS[type].map((p, i) => (i % 2 ? `{{ ${p} }}` : `{{${p}}}`)).join(' · ');
      expect(errorsOf(template(type, text))).toEqual([]);
    }
  });

  it('refuse a placeholder that does not exist, listing the allowed ones', () => {
    expectRefused(
      template('meeting_start', 'Hi {{meeting.name}}'),
      'notifications.templates.meeting_start',
      /unknown placeholder \{\{meeting\.name\}\}.*\{\{meeting\.title\}\}/,
    );
  });

  it("refuse another type's placeholder ({{recording.url}} in meeting_start)", () => {
    expectRefused(
      template('meeting_start', '{{recording.url}}'),
      'notifications.templates.meeting_start',
      /unknown/,
    );
  });

  it.each(['Hello {{meeting.title}', 'Hello {meeting.title}}', '{{}}', 'x }} y'])(
    'refuse braces that do not form a placeholder: %s',
    (text) => {
      expect(errorsOf(template('meeting_start', text)).length).toBeGreaterThan(0);
    },
  );

  it("refuse an empty template and one longer than Discord's 2,000 characters; accept exactly 2,000", () => {
    expectRefused(template('meeting_end', ''), 'notifications.templates.meeting_end', /must not be empty/);
    expectRefused(template('meeting_end', 'x'.repeat(2001)), 'notifications.templates.meeting_end', /2000/);
    expect(errorsOf(template('meeting_end', 'x'.repeat(2000)))).toEqual([]);
  });

  it('templateProblems lists each bad placeholder', () => {
    expect(templateProblems('user_join', '{{user.name}} {{a}} {{b}}')).toHaveLength(2);
    expect(templateProblems('user_join', 'plain text')).toEqual([]);
  });
});

describe('overrides: channels', () => {
  const channel = (value: unknown) => ({ notifications: { channels: { meeting_end: value } } });

  it.each(['123456789012345678', '12345678901234567890', 'general', 'meeting-alerts', 'événements', null])(
    'accept %j',
    (value) => {
      expect(errorsOf(channel(value))).toEqual([]);
    },
  );

  it.each(['#general', 'two words', '<#123456789012345678>', '', 'x'.repeat(101), '@here'])(
    'refuse %j',
    (value) => {
      expectRefused(channel(value), 'notifications.channels.meeting_end', /channel id .* or a channel name/);
    },
  );
});

describe('overrides: role mapping', () => {
  it.each(['admin', 'moderator', 'viewer'])('accept %s', (role) => {
    expect(errorsOf({ roles: { mapping: { '123456789012345678': role, 'Team Leads': role } } })).toEqual([]);
  });

  it.each(['Admin', 'owner', '', 2])('refuse the value %j, naming the role key', (role) => {
    expectRefused(
      { roles: { mapping: { Mods: role } } },
      'roles.mapping.Mods',
      /must be one of viewer, moderator, admin/,
    );
  });

  it.each(['<@&123456789012345678>', ' Mods', 'Mods ', 'x'.repeat(101), 'a\nb'])(
    'refuse the role key %j',
    (key) => {
      expect(errorsOf({ roles: { mapping: { [key]: 'admin' } } }).join()).toMatch(/role id or name/);
    },
  );

  it('refuse more than 250 mappings', () => {
    const mapping = Object.fromEntries(Array.from({ length: 251 }, (_, i) => [`Role ${i}`, 'viewer']));
    expectRefused({ roles: { mapping } }, 'roles.mapping', /at most 250/);
  });
});

describe('overrides: command permissions', () => {
  const perm = (command: string, value: unknown) => ({ commands: { permissions: { [command]: value } } });

  it('accept every real command with role ids, names or @everyone', () => {
    for (const c of COMMAND_NAMES) {
      expect(errorsOf(perm(c, ['@everyone', '123456789012345678', 'Teachers']))).toEqual([]);
    }
  });

  it('refuse a command the bot does not have, listing the real ones', () => {
    expectRefused(
      perm('kaltura-dance', ['@everyone']),
      'commands.permissions.kaltura-dance',
      /not a command.*kaltura-start/,
    );
  });

  it.each([
    [[], /at least one/],
    [['A', 'A'], /twice/],
    [Array.from({ length: 26 }, (_, i) => `R${i}`), /at most 25/],
    [['<@&123456789012345678>'], /role id or name/],
    [[''], /role id or name/],
  ])('refuse the list %j', (value, message) => {
    const errors = errorsOf(perm('kaltura-start', value)).join('\n');
    expect(errors).toMatch(/^commands\.permissions\.kaltura-start/);
    expect(errors).toMatch(message);
  });
});

describe('overrides: features', () => {
  it('accept the features the defaults declare, and refuse others, listing the known ones', () => {
    expect(errorsOf({ features: { hostLinkOnStart: false } })).toEqual([]);
    expectRefused(
      { features: { teleport: true } },
      'features.teleport',
      /not a known feature.*scheduledEvents/,
    );
  });

  it('in a defaults file, allow any camelCase feature name but nothing else', () => {
    const ok = validateConfig({ ...defaults, features: { newThing: true } });
    expect(ok.ok).toBe(true);
    const bad = validateConfig({ ...defaults, features: { 'new thing': true } });
    expect(bad.ok).toBe(false);
  });
});

describe('overrides: limits', () => {
  it('take whole numbers within their bounds', () => {
    expect(errorsOf({ limits: { commands: { perMember: 5, windowSeconds: 30 } } })).toEqual([]);
    expect(errorsOf({ limits: { meetings: { activePerHost: 20, activePerGuild: 200 } } })).toEqual([]);
    expectRefused({ limits: { commands: { perMember: 0 } } }, 'limits.commands.perMember', /at least 1/);
    expectRefused({ limits: { commands: { perMember: 101 } } }, 'limits.commands.perMember', /at most 100/);
    expectRefused({ limits: { commands: { perGuild: 1.5 } } }, 'limits.commands.perGuild', /whole number/);
    expectRefused(
      { limits: { commands: { windowSeconds: '60' } } },
      'limits.commands.windowSeconds',
      /number/,
    );
    expectRefused(
      { limits: { meetings: { activePerGuild: 201 } } },
      'limits.meetings.activePerGuild',
      /at most 200/,
    );
    expect(errorsOf({ limits: { meetings: { perHour: 1 } } }).join('\n')).toMatch(/perHour/);
  });
});
