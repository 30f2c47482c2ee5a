import type { SecurityHarness } from './context';
import type { AllowedChange, AttackCase } from './types';

/** What the invariants compare before and after a row. */
export interface WorldSnapshot {
  /** Message ids per channel of each guild (live, non-ephemeral). */
  messages: Record<'A' | 'B', Record<string, string[]>>;
  /**
   * Kaltura rooms (`id:status`): every meeting is created on a room and ended by removing it, so this is what was
   * stored or ended. Read from the fake Kaltura, not the list route, which spends the members' command budgets.
   */
  meetings: string[];
  config: Record<'A' | 'B', string>;
  /** How many HTTP exchanges had happened. */
  exchanges: number;
}

const GUILDS = ['A', 'B'] as const;

/** Reads the world: fake Discord's message store, the Kaltura rooms behind meetings, both guilds' stored configs. */
export async function snapshot(h: SecurityHarness): Promise<WorldSnapshot> {
  const w = h.world;
  const guildIds = { A: w.guildA, B: w.guildB };
  const tokens = h.watchers;
  const messages = { A: {}, B: {} } as WorldSnapshot['messages'];
  const meetings = h.kaltura
    .resources()
    .map((r) => `${r.id}:${r.status}`)
    .sort();
  const config = {} as WorldSnapshot['config'];
  for (const g of GUILDS) {
    const guild = h.discord.state.guilds.get(guildIds[g]);
    for (const channelId of guild?.channels.keys() ?? []) {
      messages[g][channelId] = h.discord.channelMessages(channelId).map((m) => m.message.id);
    }
    const cfg = await h.http({
      method: 'GET',
      path: `/api/v1/guilds/${guildIds[g]}/config`,
      token: tokens[g],
    });
    if (cfg.status !== 200) throw new Error(`snapshot: config of guild ${g} answered ${cfg.status}`);
    config[g] = JSON.stringify({ version: cfg.body?.version ?? null, override: cfg.body?.override ?? null });
  }
  return { messages, meetings, config, exchanges: h.exchanges.length };
}

/**
 * The checks every row must pass after its attack: nothing reached the victim guild's channels, nothing was stored
 * (meetings and configs of both guilds), no HTTP answer was a 5xx, and the process is alive.
 */
export async function expectInvariants(
  h: SecurityHarness,
  row: AttackCase,
  before: WorldSnapshot,
): Promise<void> {
  const after = await snapshot(h);
  const victim = row.victim ?? 'B';
  const allowed = new Set<AllowedChange>(row.mayChange ?? []);
  const newIn = (g: 'A' | 'B') =>
    Object.fromEntries(
      Object.entries(after.messages[g])
        .map(([channel, ids]) => [
          channel,
          ids.filter((id) => !(before.messages[g][channel] ?? []).includes(id)),
        ])
        .filter(([, ids]) => ids.length > 0),
    );
  const serverErrors = h.exchanges
    .slice(before.exchanges)
    .filter((e) => e.status >= 500)
    .map((e) => `${e.method} ${e.path} → ${e.status} ${e.text.slice(0, 200)}`);
  const live = await h.http({ method: 'GET', path: '/health/live' }).then(
    (r) => r.status,
    (err: unknown) => String(err),
  );
  expect({
    messagesInVictimGuild: newIn(victim),
    meetings: allowed.has('meetings') ? 'may change' : after.meetings,
    config: allowed.has('config') ? 'may change' : after.config,
    serverErrors,
    alive: h.service.alive(),
    live,
  }).toEqual({
    messagesInVictimGuild: {},
    meetings: allowed.has('meetings') ? 'may change' : before.meetings,
    config: allowed.has('config') ? 'may change' : before.config,
    serverErrors: [],
    alive: true,
    live: 200,
  });
}
