import type { GuildConfig, GuildConfigService, MemberRole } from '../config';
import { kalturaRole } from '../kaltura';
import { GuildMemberFacts, RoleMappingService, highestRole } from './role-mapping.service';

const MOD_ROLE = '200000000000000001';
const HOST_ROLE = '200000000000000002';
const ADMIN_ROLE = '200000000000000003';

/** A config service that only knows one guild's mapping, and fails loudly for anything else. */
function mappingService(mapping: Record<string, MemberRole>): RoleMappingService {
  const config = {
    get: async (guildId: string) => {
      if (guildId !== 'guild') throw new Error(`unexpected guild ${guildId}`);
      return { roles: { mapping } } as unknown as GuildConfig;
    },
  } as unknown as GuildConfigService;
  return new RoleMappingService(config);
}

const facts = (roleIds: string[], canManageGuild = false, roleNames?: string[]): GuildMemberFacts => ({
  roleIds,
  canManageGuild,
  ...(roleNames ? { roleNames } : {}),
});

describe('RoleMappingService.resolve', () => {
  const mapping: Record<string, MemberRole> = {
    [MOD_ROLE]: 'moderator',
    [ADMIN_ROLE]: 'admin',
    Hosts: 'moderator',
    Staff: 'admin',
    Guests: 'viewer',
  };
  const service = mappingService(mapping);

  it.each<[string, GuildMemberFacts, MemberRole]>([
    ['no roles → viewer', facts([]), 'viewer'],
    ['unmapped role → viewer', facts(['999999999999999999']), 'viewer'],
    ['ManageGuild/Administrator → admin without any mapping', facts([], true), 'admin'],
    ['ManageGuild wins over a lower mapped role', facts([MOD_ROLE], true), 'admin'],
    ['mapped by id → moderator', facts([MOD_ROLE]), 'moderator'],
    ['mapped by id → admin', facts([ADMIN_ROLE]), 'admin'],
    ['mapped by name → moderator', facts([HOST_ROLE], false, ['Hosts']), 'moderator'],
    ['mapped by name → admin', facts([], false, ['Staff']), 'admin'],
    ['explicit viewer mapping stays viewer', facts([], false, ['Guests']), 'viewer'],
    ['highest of several: viewer + moderator', facts([], false, ['Guests', 'Hosts']), 'moderator'],
    ['highest of several: moderator then admin', facts([MOD_ROLE, ADMIN_ROLE]), 'admin'],
    [
      'highest of several: admin then moderator (order does not matter)',
      facts([ADMIN_ROLE, MOD_ROLE]),
      'admin',
    ],
    ['id and name together', facts([MOD_ROLE], false, ['Staff']), 'admin'],
    ['names are case-sensitive', facts([], false, ['hosts', 'STAFF']), 'viewer'],
    [
      'prototype keys are not roles',
      facts(['constructor', '__proto__', 'toString'], false, ['hasOwnProperty']),
      'viewer',
    ],
  ])('%s', async (_name, member, expected) => {
    await expect(service.resolve('guild', member)).resolves.toBe(expected);
  });

  it('ignores mapping values that are not project roles (a bad override cannot grant anything)', async () => {
    const odd = mappingService({ [MOD_ROLE]: 'owner' as MemberRole });
    await expect(odd.resolve('guild', facts([MOD_ROLE]))).resolves.toBe('viewer');
  });

  it('does not consult the config for members who can manage the guild', async () => {
    const config = { get: jest.fn() } as unknown as GuildConfigService;
    await expect(new RoleMappingService(config).resolve('other', facts([], true))).resolves.toBe('admin');
    expect(config.get).not.toHaveBeenCalled();
  });
});

describe('highestRole', () => {
  it.each<[MemberRole, MemberRole, MemberRole]>([
    ['viewer', 'viewer', 'viewer'],
    ['viewer', 'moderator', 'moderator'],
    ['moderator', 'viewer', 'moderator'],
    ['moderator', 'admin', 'admin'],
    ['admin', 'viewer', 'admin'],
    ['admin', 'admin', 'admin'],
  ])('highestRole(%s, %s) = %s', (a, b, expected) => {
    expect(highestRole(a, b)).toBe(expected);
  });
});

describe('project role → Kaltura join privileges', () => {
  it.each<[MemberRole, string, number]>([
    ['admin', 'adminRole', 0],
    ['moderator', 'adminRole', 0],
    ['viewer', 'viewerRole', 3],
  ])('%s joins as %s with userContextualRole %d', (role, kalturaRoleName, contextual) => {
    expect(kalturaRole(role)).toEqual({ role: kalturaRoleName, userContextualRole: contextual });
  });
});
