import { startHarness, type SecurityHarness } from './harness/context';
import { expectInvariants, snapshot } from './harness/invariants';
import { ALL_CASES } from './cases';
import type { AttackCase } from './harness/types';

/**
 * Issue 17's attack table against the built service (`dist/main.js`, run `npx nest build` first) in production
 * mode with two guilds. Each row performs one attack and asserts its refusal; then the invariants hold: nothing
 * reached the victim guild, nothing was stored, no 5xx, the process alive. See README.md to add rows.
 */
jest.setTimeout(60_000);

const title = (row: AttackCase) => `item ${row.item}: ${row.attack} → ${row.refusal}`;

describe('security: attacks on a production-mode instance with two guilds', () => {
  let h: SecurityHarness;

  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  for (const row of ALL_CASES) {
    const test = row.knownBug ? it.failing : it;
    test(row.knownBug ? `${title(row)} [KNOWN BUG: ${row.knownBug}]` : title(row), async () => {
      await row.setup?.(h);
      try {
        const before = await snapshot(h);
        await row.run(h);
        await expectInvariants(h, row, before);
      } finally {
        await row.teardown?.(h);
      }
    });
  }

  it('after the whole table: the process is alive and no 5xx was ever answered', async () => {
    expect(h.service.alive()).toBe(true);
    expect(
      h.exchanges.filter((e) => e.status >= 500).map((e) => `${e.method} ${e.path} ${e.status}`),
    ).toEqual([]);
  });
});
