import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { GuildOnlyError, memberFacts } from './member-facts';

const base = (over: Record<string, unknown>) =>
  ({
    guildId: '1',
    user: { id: '2', username: 'vic', globalName: 'Vic G' },
    guild: { roles: { cache: new Map([['10', { name: 'Hosts' }]]) } },
    memberPermissions: new PermissionsBitField(PermissionFlagsBits.SendMessages),
    ...over,
  }) as never;

describe('memberFacts', () => {
  it('reads a cached GuildMember: display name, role ids without @everyone, role names', () => {
    const member = {
      displayName: 'Vic Nick',
      roles: {
        cache: new Map([
          ['1', {}],
          ['10', {}],
          ['11', {}],
        ]),
      },
    };
    expect(memberFacts(base({ member }))).toEqual({
      guildId: '1',
      userId: '2',
      displayName: 'Vic Nick',
      roleIds: ['10', '11'],
      roleNames: ['Hosts'],
      canManageGuild: false,
    });
  });

  it('reads the raw API member of an uncached guild', () => {
    const facts = memberFacts(base({ member: { roles: ['10'], nick: null }, guild: null }));
    expect(facts).toMatchObject({ displayName: 'Vic G', roleIds: ['10'], roleNames: [] });
  });

  it.each([
    [PermissionFlagsBits.ManageGuild, true],
    [PermissionFlagsBits.Administrator, true],
    [PermissionFlagsBits.ManageChannels, false],
  ])('permission %s → canManageGuild %s', (bit, expected) => {
    const facts = memberFacts(
      base({ member: { roles: [], nick: 'n' }, memberPermissions: new PermissionsBitField(bit) }),
    );
    expect(facts.canManageGuild).toBe(expected);
  });

  it('refuses direct messages', () => {
    expect(() => memberFacts(base({ guildId: null, member: null }))).toThrow(GuildOnlyError);
  });
});
