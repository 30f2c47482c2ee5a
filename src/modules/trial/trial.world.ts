import type { GuildMemberFacts } from '../auth';

/**
 * The demo guild of trial mode (README "Try it"): one guild, one text channel, two members whose Discord facts
 * map to different roles through the real role mapping. The ids are snowflake-shaped and belong to no real
 * guild: nothing is ever posted to Discord in trial mode.
 */
export const TRIAL_GUILD_ID = '100000000000000001';
export const TRIAL_CHANNEL_ID = '100000000000000002';

export interface TrialMember {
  id: string;
  displayName: string;
  /** What the bot would read from Discord for this member (`GET /guilds/{id}/members/{user}`, owner, roles). */
  facts: GuildMemberFacts;
}

export const TRIAL_MEMBERS = {
  /** Has Manage Server: the role mapping makes her a guild admin. */
  ada: {
    id: '100000000000000011',
    displayName: 'Ada (demo admin)',
    facts: { roleIds: ['100000000000000021'], roleNames: ['Staff'], canManageGuild: true },
  },
  /** An ordinary member with a role the default mapping does not name: a viewer. */
  bo: {
    id: '100000000000000012',
    displayName: 'Bo (demo member)',
    facts: { roleIds: ['100000000000000022'], roleNames: ['Student'], canManageGuild: false },
  },
} satisfies Record<string, TrialMember>;

export type TrialMemberName = keyof typeof TRIAL_MEMBERS;
export const TRIAL_MEMBER_NAMES = Object.keys(TRIAL_MEMBERS) as TrialMemberName[];
