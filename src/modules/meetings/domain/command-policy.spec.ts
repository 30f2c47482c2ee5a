import { defaultConfig } from '../../../../test/discord/support/interaction-stubs';
import { alwaysEnabled, CommandMember, EVERYONE, commandRefusal } from './command-policy';

const member = (over: Partial<CommandMember> = {}): CommandMember => ({
  guildId: '1',
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

  it('API keys: no Discord roles; pass a role list only via @everyone, the guild id, or an admin key', () => {
    const config = defaultConfig((c) => {
      c.commands.permissions['kaltura-list'] = ['Teachers'];
      c.commands.permissions['kaltura-end'] = [EVERYONE];
    });
    expect(commandRefusal(config, 'kaltura-list', { guildId: '1', apiKeyRole: 'moderator' })).toBe(
      'This API key (role moderator) may not use /kaltura-list: this server limits it to some Discord roles.',
    );
    expect(commandRefusal(config, 'kaltura-list', { guildId: '1', apiKeyRole: 'admin' })).toBeNull();
    expect(commandRefusal(config, 'kaltura-end', { guildId: '1', apiKeyRole: 'viewer' })).toBeNull();
    const off = defaultConfig((c) => (c.commands.enabled = false));
    expect(commandRefusal(off, 'kaltura-list', { guildId: '1', apiKeyRole: 'admin' })).not.toBeNull();
  });

  it('never reads a command name from Object.prototype', () => {
    const config = defaultConfig((c) => (c.commands.permissions = {}));
    expect(commandRefusal(config, 'constructor', member())).toBeNull();
    expect(commandRefusal(config, 'toString', member())).toBeNull();
  });
});
