import { ChannelType, OverwriteType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { computeChannelPermissions, judgeChannel, type PermissionFacts } from './channel-rules';

const GUILD = '100000000000000001';
const BOT = '200000000000000001';
const ROLE = '300000000000000001';
const OTHER_ROLE = '300000000000000002';
const str = (bits: bigint) => bits.toString();

const facts = (over: Partial<PermissionFacts> = {}): PermissionFacts => ({
  guildId: GUILD,
  ownerId: '900000000000000001',
  rolePermissions: { [GUILD]: str(P.ViewChannel | P.SendMessages), [ROLE]: '0', [OTHER_ROLE]: '0' },
  botUserId: BOT,
  botRoleIds: [ROLE],
  overwrites: [],
  ...over,
});
const ow = (id: string, allow = 0n, deny = 0n, type = OverwriteType.Role) => ({
  id,
  type,
  allow: str(allow),
  deny: str(deny),
});

describe('computeChannelPermissions (discord-api-docs, Permission Overwrites)', () => {
  it('starts from @everyone | the roles', () => {
    const p = computeChannelPermissions(
      facts({ rolePermissions: { [GUILD]: str(P.ViewChannel), [ROLE]: str(P.SendMessages) } }),
    );
    expect(p).toBe(P.ViewChannel | P.SendMessages);
  });

  it('applies @everyone, then role denies and allows together, then the member overwrite', () => {
    const everyoneDenies = facts({ overwrites: [ow(GUILD, 0n, P.SendMessages)] });
    expect(computeChannelPermissions(everyoneDenies) & P.SendMessages).toBe(0n);
    // A role allow beats the @everyone deny.
    const roleAllows = facts({ overwrites: [ow(GUILD, 0n, P.SendMessages), ow(ROLE, P.SendMessages)] });
    expect(computeChannelPermissions(roleAllows) & P.SendMessages).toBe(P.SendMessages);
    // Among the member's roles, allow wins over deny (denies applied first, then allows).
    const both = facts({
      botRoleIds: [ROLE, OTHER_ROLE],
      overwrites: [ow(ROLE, 0n, P.SendMessages), ow(OTHER_ROLE, P.SendMessages)],
    });
    expect(computeChannelPermissions(both) & P.SendMessages).toBe(P.SendMessages);
    // The member's own overwrite has the last word.
    const member = facts({
      overwrites: [ow(ROLE, P.SendMessages), ow(BOT, 0n, P.SendMessages, OverwriteType.Member)],
    });
    expect(computeChannelPermissions(member) & P.SendMessages).toBe(0n);
    // An overwrite for a role the bot does not have changes nothing.
    const foreign = facts({ overwrites: [ow(OTHER_ROLE, 0n, P.SendMessages)] });
    expect(computeChannelPermissions(foreign) & P.SendMessages).toBe(P.SendMessages);
  });

  it('gives everything to the owner and to Administrator, overwrites or not', () => {
    const denied = [ow(GUILD, 0n, P.ViewChannel | P.SendMessages)];
    expect(computeChannelPermissions(facts({ ownerId: BOT, overwrites: denied })) & P.SendMessages).toBe(
      P.SendMessages,
    );
    const admin = facts({
      rolePermissions: { [GUILD]: '0', [ROLE]: str(P.Administrator) },
      overwrites: denied,
    });
    expect(computeChannelPermissions(admin) & P.ViewChannel).toBe(P.ViewChannel);
  });
});

describe('judgeChannel', () => {
  const all = P.ViewChannel | P.SendMessages | P.SendMessagesInThreads;
  const text = { guildId: GUILD, type: ChannelType.GuildText };

  it('accepts text, announcement channels and threads of the guild where the bot can view and send', () => {
    for (const type of [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.PublicThread]) {
      expect(judgeChannel(GUILD, { guildId: GUILD, type }, all)).toBeNull();
    }
  });

  it('refuses another guild’s channel before anything else', () => {
    expect(judgeChannel(GUILD, { guildId: '100000000000000002', type: 0 }, all)).toBe('other_guild');
  });

  it('refuses voice, stage, category, forum and media channels', () => {
    for (const type of [
      ChannelType.GuildVoice,
      ChannelType.GuildStageVoice,
      ChannelType.GuildCategory,
      ChannelType.GuildForum,
      ChannelType.GuildMedia,
    ]) {
      expect(judgeChannel(GUILD, { guildId: GUILD, type }, all)).toBe('wrong_type');
    }
  });

  it('needs View Channel, then Send Messages (threads: Send Messages in Threads)', () => {
    expect(judgeChannel(GUILD, text, P.SendMessages)).toBe('no_access');
    expect(judgeChannel(GUILD, text, P.ViewChannel)).toBe('missing_permissions');
    const thread = { guildId: GUILD, type: ChannelType.PublicThread };
    expect(judgeChannel(GUILD, thread, P.ViewChannel | P.SendMessages)).toBe('missing_permissions');
    expect(judgeChannel(GUILD, thread, P.ViewChannel | P.SendMessagesInThreads)).toBeNull();
  });
});
