import type { ApiKeyRepository } from '../../src/modules/auth/api-key.port';
import { ApiKey, generateApiKey } from '../../src/modules/auth/domain/api-key';

let seq = 0;
const guild = () => `${Date.now()}${String(++seq).padStart(6, '0')}`.slice(0, 19);
const key = (guildId: string, name = 'key', at = new Date()): ApiKey =>
  generateApiKey({ guildId, name, role: 'moderator', createdBy: '100000000000000001', now: at }).record;

/** What every API key store must do (memory and Mongo alike). */
export function apiKeyRepositoryContract(
  name: string,
  make: () => Promise<{ repo: ApiKeyRepository; close: () => Promise<void> }>,
): void {
  describe(`API key repository contract: ${name}`, () => {
    let repo: ApiKeyRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await make());
    });
    afterAll(() => close());

    it('stores and finds a key by id and by secret hash', async () => {
      const k = key(guild());
      await repo.insert(k);
      expect(await repo.findById(k.id)).toEqual(k);
      expect(await repo.findBySecretHash(k.secretHash)).toEqual(k);
      expect(await repo.findBySecretHash('0'.repeat(64))).toBeNull();
      expect(await repo.findById('ak_000000000000000000000000')).toBeNull();
    });

    it('refuses a second key with the same id', async () => {
      const k = key(guild());
      await repo.insert(k);
      await expect(repo.insert({ ...k })).rejects.toThrow();
    });

    it("lists a guild's active keys oldest first, and no other guild's", async () => {
      const [g, other] = [guild(), guild()];
      const older = key(g, 'older', new Date('2025-01-01T00:00:00.000Z'));
      const newer = key(g, 'newer', new Date('2025-01-02T00:00:00.000Z'));
      await repo.insert(newer);
      await repo.insert(older);
      await repo.insert(key(other));
      expect((await repo.listActive(g)).map((k) => k.name)).toEqual(['older', 'newer']);
    });

    it('revokes only within the guild, once', async () => {
      const [g, other] = [guild(), guild()];
      const k = key(g);
      await repo.insert(k);
      expect(await repo.revoke(other, k.id, new Date())).toBeNull();
      const at = new Date('2025-05-05T05:05:05.000Z');
      expect(await repo.revoke(g, k.id, at)).toMatchObject({ id: k.id, revokedAt: at });
      expect(await repo.revoke(g, k.id, new Date())).toBeNull();
      expect(await repo.listActive(g)).toEqual([]);
      expect((await repo.findById(k.id))?.revokedAt).toEqual(at);
    });

    it('records last use', async () => {
      const k = key(guild());
      await repo.insert(k);
      const at = new Date('2025-06-06T06:06:06.000Z');
      await repo.touch(k.id, at);
      expect((await repo.findById(k.id))?.lastUsedAt).toEqual(at);
    });
  });
}
