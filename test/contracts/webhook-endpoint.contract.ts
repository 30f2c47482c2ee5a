import type { WebhookEndpoint, WebhookEndpointRepository } from '../../src/modules/webhooks-out';

let seq = 0;
const guild = () => `${Date.now()}${String(++seq).padStart(6, '0')}`.slice(0, 19);
const endpoint = (guildId: string, at = new Date()): WebhookEndpoint => ({
  id: `we_${String(++seq).padStart(24, '0')}`,
  guildId,
  url: 'https://hooks.example.com/in',
  eventTypes: ['meeting.started'],
  description: '',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  enabled: true,
  disabledReason: null,
  consecutiveFailures: 0,
  createdAt: at,
  updatedAt: at,
  createdBy: '100000000000000001',
});

/** What every webhook endpoint store must do (memory and Mongo alike); every id is scoped to its guild. */
export function webhookEndpointRepositoryContract(
  name: string,
  make: () => Promise<{ repo: WebhookEndpointRepository; close: () => Promise<void> }>,
): void {
  describe(`webhook endpoint repository contract: ${name}`, () => {
    let repo: WebhookEndpointRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await make());
    });
    afterAll(() => close());

    it('stores, finds within its guild only, and refuses a duplicate id', async () => {
      const [g, other] = [guild(), guild()];
      const e = endpoint(g);
      await repo.insert(e);
      expect(await repo.get(g, e.id)).toEqual(e);
      expect(await repo.get(other, e.id)).toBeNull();
      await expect(repo.insert({ ...e })).rejects.toThrow();
    });

    it("lists a guild's endpoints oldest first, and no other guild's", async () => {
      const [g, other] = [guild(), guild()];
      const newer = endpoint(g, new Date('2026-01-02T00:00:00Z'));
      const older = endpoint(g, new Date('2026-01-01T00:00:00Z'));
      await repo.insert(newer);
      await repo.insert(older);
      await repo.insert(endpoint(other));
      expect((await repo.listByGuild(g)).map((e) => e.id)).toEqual([older.id, newer.id]);
    });

    it('updates and deletes only within the guild', async () => {
      const [g, other] = [guild(), guild()];
      const e = endpoint(g);
      await repo.insert(e);
      expect(await repo.update(other, e.id, { enabled: false })).toBeNull();
      expect(await repo.delete(other, e.id)).toBe(false);
      expect(await repo.update(g, e.id, { enabled: false, disabledReason: 'x' })).toMatchObject({
        id: e.id,
        guildId: g,
        enabled: false,
        disabledReason: 'x',
        secret: e.secret,
      });
      expect(await repo.delete(g, e.id)).toBe(true);
      expect(await repo.get(g, e.id)).toBeNull();
      expect(await repo.delete(g, e.id)).toBe(false);
    });

    it('counts failures in a row atomically and resets them on success', async () => {
      const g = guild();
      const e = endpoint(g);
      await repo.insert(e);
      const counts = await Promise.all([1, 2, 3].map(() => repo.recordFailure(g, e.id)));
      expect(counts.sort()).toEqual([1, 2, 3]);
      expect(await repo.recordFailure(guild(), e.id)).toBeNull();
      await repo.recordSuccess(g, e.id);
      expect((await repo.get(g, e.id))?.consecutiveFailures).toBe(0);
    });
  });
}
