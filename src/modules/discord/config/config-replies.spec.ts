import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationFailedError } from '../../../platform/errors';
import type { ConfigKey, ConfigView, GuildConfig, JsonObject } from '../../config';
import { EMBEDS_TOTAL_MAX, EMBED_DESCRIPTION_MAX, packLines, showValue, viewReply } from './config-replies';
import { normalizeKey, parseConfigValue } from './config-value.parser';

const defaults = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'config', 'default_config.json'), 'utf8'),
) as GuildConfig;

const setting = (kind: ConfigKey['kind'], key = 'x'): ConfigKey => ({
  section: 'notifications',
  key,
  path: ['notifications', key],
  kind,
  description: '',
});

function flatEntries(tree: JsonObject, prefix = ''): ConfigView['entries'] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length
      ? flatEntries(v as JsonObject, `${prefix}${k}.`)
      : [{ key: `${prefix}${k}`, value: v, source: 'override' as const }],
  );
}

describe('viewReply', () => {
  it('fits any configuration into Discord’s embed limits, saying what it left out', () => {
    const big = structuredClone(defaults);
    for (const t of Object.keys(big.notifications.templates) as Array<
      keyof GuildConfig['notifications']['templates']
    >) {
      big.notifications.templates[t] = `{{meeting.title}} ${'x'.repeat(1900)}`;
    }
    big.roles.mapping = Object.fromEntries(
      Array.from({ length: 250 }, (_, i) => [`Role ${i} ${'r'.repeat(80)}`, 'viewer']),
    );
    const config = big as unknown as JsonObject;
    const reply = viewReply({
      guildId: '1',
      section: null,
      version: 'v',
      config,
      override: config,
      entries: flatEntries(config),
      problems: [
        {
          guildId: '1',
          kind: 'invalid',
          message: 'bad',
          errors: [{ field: 'a', message: 'b' }],
          using: 'last-good',
          since: '',
        },
      ],
    });
    expect(reply.embeds.length).toBeLessThanOrEqual(10);
    let total = 0;
    for (const e of reply.embeds) {
      expect((e.description ?? '').length).toBeLessThanOrEqual(EMBED_DESCRIPTION_MAX);
      total += (e.description ?? '').length + (e.title ?? '').length;
    }
    expect(total).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);
    expect(reply.embeds.find((e) => e.title === 'roles')?.description).toMatch(/…and \d+ more/);
    expect(reply.content.length).toBeLessThanOrEqual(2000);
  });
});

describe('showValue and packLines', () => {
  it('shows values as one-line inline code that cannot be broken out of', () => {
    expect(showValue('a `b`\nc')).toBe("`a 'b'⏎c`");
    expect(showValue(null)).toBe('`none`');
    expect(showValue(['A', 'B'])).toBe('`["A","B"]`');
    expect(showValue('x'.repeat(300)).length).toBeLessThanOrEqual(102);
  });

  it('keeps whole lines within the budget', () => {
    expect(packLines(['aaa', 'bbb'], 100)).toBe('aaa\nbbb');
    const packed = packLines(
      Array.from({ length: 50 }, () => 'x'.repeat(20)),
      200,
    );
    expect(packed.length).toBeLessThanOrEqual(200);
    expect(packed).toMatch(/…and \d+ more/);
  });
});

describe('parseConfigValue', () => {
  it.each([
    ['true', true],
    ['On', true],
    ['yes', true],
    ['false', false],
    ['OFF', false],
    ['disabled', false],
  ])('reads the boolean %s', (raw, value) => {
    expect(parseConfigValue(setting('boolean'), raw)).toBe(value);
  });

  it('refuses other booleans, naming the value field', () => {
    const error = (() => {
      try {
        parseConfigValue(setting('boolean', 'enabled'), 'maybe');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).errors).toEqual([
      { field: 'value', message: 'enabled takes true or false' },
    ]);
  });

  it('treats reset and default as "back to the default" for every kind', () => {
    for (const kind of ['boolean', 'template', 'channel', 'role-list', 'member-role', 'integer'] as const) {
      expect(parseConfigValue(setting(kind), ' Reset ')).toBeNull();
      expect(parseConfigValue(setting(kind), 'default')).toBeNull();
    }
  });

  it('reads whole numbers for limits, and nothing else', () => {
    expect(parseConfigValue(setting('integer'), ' 25 ')).toBe(25);
    for (const bad of ['2.5', '-1', '1e3', '0x10', 'ten', ''])
      expect(() => parseConfigValue(setting('integer'), bad)).toThrow(ValidationFailedError);
  });

  it('reads channels as mentions, #names or names', () => {
    expect(parseConfigValue(setting('channel'), '<#123456789012345678>')).toBe('123456789012345678');
    expect(parseConfigValue(setting('channel'), '#alerts')).toBe('alerts');
    expect(parseConfigValue(setting('channel'), 'none')).toBeNull();
  });

  it('reads role lists: mentions as ids, @everyone, names; duplicates dropped', () => {
    expect(
      parseConfigValue(setting('role-list'), '<@&123456789012345678>, @Teachers, everyone, Teachers'),
    ).toEqual(['123456789012345678', 'Teachers', '@everyone']);
    expect(() => parseConfigValue(setting('role-list'), ' , ')).toThrow(ValidationFailedError);
  });

  it('reads member roles', () => {
    expect(parseConfigValue(setting('member-role'), 'Moderator')).toBe('moderator');
    expect(parseConfigValue(setting('member-role'), 'remove')).toBeNull();
    expect(() => parseConfigValue(setting('member-role'), 'owner')).toThrow(ValidationFailedError);
  });

  it('keeps templates as typed, with \\n as a line break', () => {
    expect(parseConfigValue(setting('template'), ' **{{meeting.title}}**\\nbye ')).toBe(
      '**{{meeting.title}}**\nbye',
    );
  });

  it('normalizes role mentions in roles keys', () => {
    expect(normalizeKey('roles', 'mapping.<@&123456789012345678>')).toBe('mapping.123456789012345678');
    expect(normalizeKey('roles', 'roles.mapping.@Teachers')).toBe('mapping.Teachers');
    expect(normalizeKey('notifications', ' enabled ')).toBe('enabled');
  });
});
