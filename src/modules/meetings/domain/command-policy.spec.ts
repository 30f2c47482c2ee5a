import { defaultConfig } from '../../../../test/discord/support/interaction-stubs';
import { alwaysEnabled, commandRefusal } from './command-access.rules';
import type { MemberFacts } from './member-facts';

const member = (over: Partial<MemberFacts> = {}): MemberFacts => ({
  guildId: '1',
  userId: '2',
  displayName: 'Vic',
  roleIds: ['10'],
  roleNames: ['Members'],
  canManageGuild: false,
  ...over,
});

describe('commandRefusal', () => {
  it('lets everyone use commands the shipped defaults list as @everyone, and unlisted ones', () => {
    const config = defaultConfig();
    expect(commandRefusal(config, 'kaltura-start', member())).toBeNull();
    expect(commandRefusal(config, 'kaltura-something-new', member())).toBeNull();
  });

  it('matches allowed roles by id or by name; @everyone or the guild id opens a command', () => {
    const config = defaultConfig((c) => {
      c.commands.permissions['kaltura-start'] = ['10'];
      c.commands.permissions['kaltura-end'] = ['Members'];
      c.commands.permissions['kaltura-list'] = ['1'];
      c.commands.permissions['kaltura-join'] = ['99'];
    });
    expect(commandRefusal(config, 'kaltura-start', member())).toBeNull();
    expect(commandRefusal(config, 'kaltura-end', member())).toBeNull();
    expect(commandRefusal(config, 'kaltura-list', member({ roleIds: [], roleNames: [] }))).toBeNull();
    expect(commandRefusal(config, 'kaltura-join', member())).toBe(
      "You don't have a role that may use /kaltura-join in this server.",
    );
    expect(commandRefusal(config, 'kaltura-join', member({ canManageGuild: true }))).toBeNull();
  });

  it('an empty list closes a command to everyone but server managers', () => {
    const config = defaultConfig((c) => (c.commands.permissions['kaltura-start'] = []));
    expect(commandRefusal(config, 'kaltura-start', member())).not.toBeNull();
    expect(commandRefusal(config, 'kaltura-start', member({ canManageGuild: true }))).toBeNull();
  });

  it('switched off: refuses everything but help and the config commands, for admins too', () => {
    const config = defaultConfig((c) => (c.commands.enabled = false));
    expect(commandRefusal(config, 'kaltura-start', member({ canManageGuild: true }))).toBe(
      'Kaltura commands are switched off in this server.',
    );
    expect(commandRefusal(config, 'kaltura-help', member())).toBeNull();
    expect(commandRefusal(config, 'kaltura-config-update', member({ canManageGuild: true }))).toBeNull();
    expect(alwaysEnabled('kaltura-config-view')).toBe(true);
    expect(alwaysEnabled('kaltura-list')).toBe(false);
  });
});
