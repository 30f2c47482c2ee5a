import { PermissionFlagsBits } from 'discord.js';
import { readRepoFile } from './deploy-files';

/**
 * The bot invite in docs/discord.md (issue 26 item 12): its `permissions=` value is exactly the permissions the
 * table beside it lists, and it includes Send Messages in Threads (meetings started in threads post there).
 */
describe('the bot invite in docs/discord.md', () => {
  const doc = readRepoFile('docs/discord.md');
  const flag = (name: string): bigint => {
    const key = name
      .split(/\s+/)
      .map((word) => word[0].toUpperCase() + word.slice(1))
      .join('') as keyof typeof PermissionFlagsBits;
    const bit = PermissionFlagsBits[key];
    if (bit === undefined) throw new Error(`docs/discord.md lists an unknown permission: ${name}`);
    return bit;
  };

  it('asks for exactly the permissions its table lists, Send Messages in Threads among them', () => {
    const section = doc.slice(doc.indexOf('### Permissions'), doc.indexOf('### Intents'));
    const rows = [...section.matchAll(/^\| ([A-Za-z ]+?)\s+\| 1 << (\d+)\s+\|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(5);
    let listed = 0n;
    for (const [, name, bit] of rows) {
      expect(flag(name)).toBe(1n << BigInt(bit));
      listed |= flag(name);
    }
    const invites = [...doc.matchAll(/permissions=(\d+)/g)].map((m) => BigInt(m[1]));
    expect(invites.length).toBeGreaterThan(0);
    for (const value of invites) expect(value).toBe(listed);
    expect(listed & PermissionFlagsBits.SendMessagesInThreads).toBe(
      PermissionFlagsBits.SendMessagesInThreads,
    );
    expect(listed & PermissionFlagsBits.ViewChannel).toBe(PermissionFlagsBits.ViewChannel);
    expect(listed & PermissionFlagsBits.SendMessages).toBe(PermissionFlagsBits.SendMessages);
  });
});
