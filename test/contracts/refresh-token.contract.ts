import { RefreshTokenRecord, generateRefreshToken } from '../../src/modules/auth/domain/refresh-token';
import type { RefreshTokenRepository } from '../../src/modules/auth/refresh-token.port';

const record = (familyId?: string, ttlSeconds = 3600): RefreshTokenRecord =>
  generateRefreshToken({
    familyId,
    subject: '100000000000000001',
    guildIds: ['300000000000000001'],
    now: new Date(),
    ttlSeconds,
  }).record;

/** What every refresh token store must do (memory and Mongo alike). */
export function refreshTokenRepositoryContract(
  name: string,
  make: () => Promise<{ repo: RefreshTokenRepository; close: () => Promise<void> }>,
): void {
  describe(`refresh token repository contract: ${name}`, () => {
    let repo: RefreshTokenRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await make());
    });
    afterAll(() => close());

    it('stores a token and finds it by hash only', async () => {
      const r = record();
      await repo.insert(r);
      expect(await repo.findByHash(r.tokenHash)).toEqual(r);
      expect(await repo.findByHash('f'.repeat(64))).toBeNull();
    });

    it('marks a token used exactly once', async () => {
      const r = record();
      await repo.insert(r);
      const at = new Date();
      expect(await repo.markUsed(r.id, at)).toBe(true);
      expect(await repo.markUsed(r.id, new Date())).toBe(false);
      expect((await repo.findByHash(r.tokenHash))?.usedAt).toEqual(at);
    });

    it('lets exactly one of many concurrent markUsed calls win', async () => {
      const r = record();
      await repo.insert(r);
      const wins = await Promise.all(Array.from({ length: 8 }, () => repo.markUsed(r.id, new Date())));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('revokes a whole family and nothing else; revoked tokens cannot be marked used', async () => {
      const a1 = record();
      const a2 = record(a1.familyId);
      const b = record();
      for (const r of [a1, a2, b]) await repo.insert(r);
      expect(await repo.revokeFamily(a1.familyId, new Date())).toBe(2);
      expect(await repo.revokeFamily(a1.familyId, new Date())).toBe(0);
      expect((await repo.findByHash(a2.tokenHash))?.revokedAt?.getTime()).toEqual(expect.any(Number));
      expect((await repo.findByHash(b.tokenHash))?.revokedAt).toBeNull();
      expect(await repo.markUsed(a2.id, new Date())).toBe(false);
    });

    it('does not return an expired token', async () => {
      const r = { ...record(), expiresAt: new Date(Date.now() - 1000) };
      await repo.insert(r);
      expect(await repo.findByHash(r.tokenHash)).toBeNull();
    });
  });
}
