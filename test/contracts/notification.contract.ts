import { randomBytes } from 'node:crypto';
import type { NotificationRecord, NotificationRepository } from '../../src/modules/notification';

/**
 * What every notification store must do (in-memory and MongoDB alike): delivery correctness rests on these
 * rules — one record per id, one claimed attempt at a time, finished notifications never claimable again.
 */
export function notificationRepositoryContract(
  name: string,
  make: () => Promise<{ repository: NotificationRepository; close: () => Promise<void> }>,
): void {
  describe(`notification repository contract: ${name}`, () => {
    let repository: NotificationRepository;
    let close: () => Promise<void>;
    // A fresh guild per test: stores may be shared between tests (MongoDB).
    let guildId: string;
    const id = () => randomBytes(12).toString('hex');

    beforeAll(async () => {
      ({ repository, close } = await make());
    });
    afterAll(() => close());
    beforeEach(() => {
      guildId = String(BigInt('100000000000000000') + BigInt(randomBytes(6).readUIntBE(0, 6)));
    });

    const record = (overrides: Partial<NotificationRecord> = {}): NotificationRecord => {
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      return {
        id: id(),
        guildId,
        type: 'meeting_start',
        status: 'pending',
        meetingId: 'Abc123XYZ9',
        channelRef: '222222222222222222',
        channelId: null,
        content: 'héllo <@&1> ✓',
        allowMentions: false,
        source: 'domain',
        sourceEventId: null,
        attempts: 0,
        lastError: null,
        messageId: null,
        leaseUntil: null,
        nextAttemptAt: null,
        createdAt: now,
        updatedAt: now,
        sentAt: null,
        ...overrides,
      };
    };

    it('stores a notification once per id and returns the stored one for a repeat', async () => {
      const n = record();
      expect(await repository.createIfAbsent(n)).toEqual({ created: true, notification: n });
      const again = await repository.createIfAbsent({ ...n, content: 'other' });
      expect(again).toEqual({ created: false, notification: n });
      expect(await repository.get(n.id)).toEqual(n);
      expect(await repository.get(id())).toBeNull();
    });

    it('keeps a file attachment (the attendance CSV) with its record, and none where there is none', async () => {
      const n = record({
        type: 'attendance',
        attachment: { filename: 'attendance.csv', content: '"member_id"\r\n"1","A, ""b""\n","viewer"\r\n' },
      });
      await repository.createIfAbsent(n);
      expect(await repository.get(n.id)).toEqual(n);
      const plain = record();
      await repository.createIfAbsent(plain);
      expect(await repository.get(plain.id)).not.toHaveProperty('attachment');
    });

    it('stores concurrent creates of one id once', async () => {
      const n = record();
      const results = await Promise.all(Array.from({ length: 10 }, () => repository.createIfAbsent(n)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('returns copies: changing a returned record changes nothing stored', async () => {
      const n = record();
      const { notification } = await repository.createIfAbsent(n);
      notification.status = 'sent';
      expect((await repository.get(n.id))?.status).toBe('pending');
    });

    it('lets exactly one of many concurrent claims win, counting the attempt and setting a lease', async () => {
      const n = record();
      await repository.createIfAbsent(n);
      const now = new Date();
      const claims = await Promise.all(
        Array.from({ length: 8 }, () => repository.beginAttempt(n.id, now, 30_000)),
      );
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ attempts: 1, leaseUntil: new Date(now.getTime() + 30_000) });
    });

    it('allows a new claim once the lease expired (a crashed worker), not before', async () => {
      const n = record();
      await repository.createIfAbsent(n);
      const t0 = new Date();
      expect(await repository.beginAttempt(n.id, t0, 1_000)).not.toBeNull();
      expect(await repository.beginAttempt(n.id, new Date(t0.getTime() + 500), 1_000)).toBeNull();
      expect(await repository.beginAttempt(n.id, new Date(t0.getTime() + 1_001), 1_000)).toMatchObject({
        attempts: 2,
      });
    });

    it('records a failure (claimable again), then success (never claimable again)', async () => {
      const n = record();
      await repository.createIfAbsent(n);
      await repository.beginAttempt(n.id, new Date(), 30_000);
      const next = new Date(Date.now() + 5_000);
      await repository.markFailed(n.id, {
        error: 'Discord answered 502',
        nextAttemptAt: next,
        at: new Date(),
        channelId: '3',
      });
      expect(await repository.get(n.id)).toMatchObject({
        status: 'failed',
        lastError: 'Discord answered 502',
        nextAttemptAt: next,
        leaseUntil: null,
        channelId: '3',
      });
      await repository.beginAttempt(n.id, new Date(), 30_000);
      const sentAt = new Date();
      await repository.markSent(n.id, { messageId: '42', channelId: '3', at: sentAt });
      expect(await repository.get(n.id)).toMatchObject({
        status: 'sent',
        messageId: '42',
        sentAt,
        attempts: 2,
        lastError: null,
        leaseUntil: null,
      });
      expect(await repository.beginAttempt(n.id, new Date(Date.now() + 3_600_000), 1_000)).toBeNull();
    });

    it('records dead and skipped notifications as final', async () => {
      const dead = record();
      const skipped = record();
      await repository.createIfAbsent(dead);
      await repository.createIfAbsent(skipped);
      await repository.markDead(dead.id, { error: 'refused', at: new Date() });
      await repository.markSkipped(skipped.id, 'no token', new Date());
      expect(await repository.get(dead.id)).toMatchObject({ status: 'dead', lastError: 'refused' });
      expect(await repository.get(skipped.id)).toMatchObject({ status: 'skipped', lastError: 'no token' });
      expect(await repository.beginAttempt(dead.id, new Date(), 1_000)).toBeNull();
      expect(await repository.beginAttempt(skipped.id, new Date(), 1_000)).toBeNull();
    });

    it("lists a guild's notifications newest first, filtered, in pages that neither skip nor repeat", async () => {
      const base = Date.now() - 100_000;
      const all: NotificationRecord[] = [];
      for (let i = 0; i < 7; i++) {
        // Two pairs share a timestamp: the id breaks the tie.
        const n = record({
          createdAt: new Date(base + Math.floor(i / 2) * 1000),
          type: i % 2 ? 'meeting_end' : 'meeting_start',
        });
        all.push(n);
        await repository.createIfAbsent(n);
      }
      await repository.createIfAbsent(record({ guildId: '999999999999999999' }));
      const seen: string[] = [];
      let after;
      do {
        const page = await repository.listByGuild(guildId, { limit: 3, after });
        seen.push(...page.items.map((n) => n.id));
        after = page.next;
      } while (after);
      const expected = [...all]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .map((n) => n.id);
      expect(seen).toEqual(expected);
      const ends = await repository.listByGuild(guildId, { limit: 10, type: 'meeting_end' });
      expect(ends.items.map((n) => n.type)).toEqual(['meeting_end', 'meeting_end', 'meeting_end']);
      await repository.markDead(all[0].id, { error: 'x', at: new Date() });
      expect(
        (await repository.listByGuild(guildId, { limit: 10, status: 'dead' })).items.map((n) => n.id),
      ).toEqual([all[0].id]);
    });

    it('lists unfinished notifications without a live lease, oldest first', async () => {
      const old = record({ createdAt: new Date(Date.now() - 60_000) });
      const leased = record({ createdAt: new Date(Date.now() - 50_000) });
      const sent = record({ createdAt: new Date(Date.now() - 40_000) });
      for (const n of [old, leased, sent]) await repository.createIfAbsent(n);
      await repository.beginAttempt(leased.id, new Date(), 60_000);
      await repository.markSent(sent.id, { messageId: '1', channelId: '2', at: new Date() });
      const ids = (await repository.listUnfinished(new Date(), 10_000)).map((n) => n.id);
      expect(ids).toContain(old.id);
      expect(ids).not.toContain(leased.id);
      expect(ids).not.toContain(sent.id);
    });
  });
}
