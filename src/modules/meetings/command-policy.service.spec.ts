import { defaultConfig, stubConfigService } from '../../../test/discord/support/interaction-stubs';
import { CommandForbiddenError, GuildMemberDirectory, MeetingCommandPolicy } from './command-policy.service';
import type { MeetingActor } from './domain/meeting';

const GUILD = '100000000000000001';
const user = (access: MeetingActor['access'], role: MeetingActor['role'] = 'viewer'): MeetingActor => ({
  userId: '300000000000000001',
  displayName: 'Vic',
  role,
  access,
});

function policy(facts: Awaited<ReturnType<GuildMemberDirectory['memberFacts']>>) {
  const config = stubConfigService(
    defaultConfig((c) => (c.commands.permissions['kaltura-start'] = ['Teachers'])),
  );
  const lookups: string[] = [];
  const members: GuildMemberDirectory = {
    memberFacts: async (guildId, userId) => {
      lookups.push(`${guildId}/${userId}`);
      return facts;
    },
  };
  return { policy: new MeetingCommandPolicy(config, members), lookups };
}

describe('MeetingCommandPolicy', () => {
  it('looks a REST user up with the bot only when a role list refuses a roleless member', async () => {
    const { policy: p, lookups } = policy({ roleIds: [], roleNames: ['Teachers'], canManageGuild: false });
    await p.check(GUILD, 'kaltura-list', user({ via: 'rest-user' }));
    expect(lookups).toEqual([]);
    await p.check(GUILD, 'kaltura-start', user({ via: 'rest-user' }));
    expect(lookups).toEqual([`${GUILD}/300000000000000001`]);
  });

  it('refuses a REST user without the role, or no longer a member of the guild', async () => {
    const without = policy({ roleIds: ['9'], roleNames: ['Students'], canManageGuild: false }).policy;
    await expect(without.check(GUILD, 'kaltura-start', user({ via: 'rest-user' }))).rejects.toBeInstanceOf(
      CommandForbiddenError,
    );
    const gone = policy(null).policy;
    await expect(gone.check(GUILD, 'kaltura-start', user({ via: 'rest-user' }, 'admin'))).rejects.toThrow(
      "You don't have a role that may use /kaltura-start in this server.",
    );
  });

  it('uses the roles a Discord interaction carried, and the role an API key was issued with', async () => {
    const { policy: p, lookups } = policy(null);
    const discord = (roleNames: string[]) =>
      user({ via: 'discord', roleIds: [], roleNames, canManageGuild: false });
    await p.check(GUILD, 'kaltura-start', discord(['Teachers']));
    await expect(p.check(GUILD, 'kaltura-start', discord([]))).rejects.toHaveProperty('status', 403);
    await p.check(GUILD, 'kaltura-start', user({ via: 'api-key' }, 'admin'));
    await expect(
      p.check(GUILD, 'kaltura-start', user({ via: 'api-key' }, 'moderator')),
    ).rejects.toHaveProperty('code', 'COMMAND_FORBIDDEN');
    expect(lookups).toEqual([]);
  });

  it('treats an actor that says nothing about its access as a member without roles (least privilege)', async () => {
    const { policy: p, lookups } = policy({ roleIds: [], roleNames: ['Teachers'], canManageGuild: true });
    await expect(p.check(GUILD, 'kaltura-start', user(undefined, 'admin'))).rejects.toBeInstanceOf(
      CommandForbiddenError,
    );
    expect(lookups).toEqual([]);
  });
});
