import type { IdentityRepository } from '../../src/modules/auth/identity.port';

let seq = 0;
/** A fresh snowflake-looking id per call, so runs against a shared database never collide. */
const uid = () => `${Date.now()}${String(++seq).padStart(6, '0')}`.slice(0, 19);

/** What every identity store must do (memory and Mongo alike). */
export function identityRepositoryContract(
  name: string,
  make: () => Promise<{ repo: IdentityRepository; close: () => Promise<void> }>,
): void {
  describe(`identity repository contract: ${name}`, () => {
    let repo: IdentityRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await make());
    });
    afterAll(() => close());

    it('creates an identity on first sight with the default Kaltura id', async () => {
      const id = uid();
      const at = new Date('2025-01-01T10:00:00.000Z');
      const identity = await repo.recordSeen({ discordUserId: id, displayName: 'Alice', at });
      expect(identity).toEqual({
        discordUserId: id,
        kalturaUserId: `discord_${id}`,
        displayName: 'Alice',
        firstSeenAt: at,
        lastSeenAt: at,
        kalturaUserEnsuredAt: null,
      });
      expect(await repo.get(id)).toEqual(identity);
    });

    it('keeps first-seen and the Kaltura id, refreshes name and last-seen', async () => {
      const id = uid();
      const first = new Date('2025-01-01T10:00:00.000Z');
      const later = new Date('2025-02-01T10:00:00.000Z');
      await repo.recordSeen({ discordUserId: id, displayName: 'Alice', at: first });
      const again = await repo.recordSeen({ discordUserId: id, displayName: 'Alice B.', at: later });
      expect(again).toMatchObject({
        firstSeenAt: first,
        lastSeenAt: later,
        displayName: 'Alice B.',
        kalturaUserId: `discord_${id}`,
      });
    });

    it('remembers that the Kaltura user exists, across later sightings', async () => {
      const id = uid();
      await repo.recordSeen({ discordUserId: id, displayName: 'Bob', at: new Date() });
      const ensured = new Date('2025-03-01T00:00:00.000Z');
      await repo.markKalturaUserEnsured(id, ensured);
      expect((await repo.get(id))?.kalturaUserEnsuredAt).toEqual(ensured);
      const seen = await repo.recordSeen({ discordUserId: id, displayName: 'Bob', at: new Date() });
      expect(seen.kalturaUserEnsuredAt).toEqual(ensured);
    });

    it('returns null for an unknown user and ignores marking one', async () => {
      const id = uid();
      await repo.markKalturaUserEnsured(id, new Date());
      expect(await repo.get(id)).toBeNull();
    });

    it('returns copies: changing a result does not change the store', async () => {
      const id = uid();
      const identity = await repo.recordSeen({ discordUserId: id, displayName: 'Carol', at: new Date() });
      identity.displayName = 'Mallory';
      expect((await repo.get(id))?.displayName).toBe('Carol');
    });
  });
}
