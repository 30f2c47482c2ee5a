import { randomBytes } from 'node:crypto';
import type { WebhookEventRecord, WebhookEventRepository } from '../../src/modules/notification';

/**
 * What every webhook-event store must do: one stored event per idempotency key, even under concurrent
 * deliveries of the same Kaltura job, and a processing state that only moves forward.
 */
export function webhookEventRepositoryContract(
  name: string,
  make: () => Promise<{ repository: WebhookEventRepository; close: () => Promise<void> }>,
): void {
  describe(`webhook event repository contract: ${name}`, () => {
    let repository: WebhookEventRepository;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ repository, close } = await make());
    });
    afterAll(() => close());

    const event = (overrides: Partial<WebhookEventRecord> = {}): WebhookEventRecord => ({
      id: `job-${randomBytes(6).readUIntBE(0, 6)}`,
      jobId: '1',
      receivedAt: new Date(Math.floor(Date.now() / 1000) * 1000),
      format: 'json',
      eventType: '3',
      eventObjectType: '1',
      objectType: 'KalturaMediaEntry',
      templateSystemName: 'ENTRY_READY',
      mapping: {
        kind: 'recording_ready',
        entryId: '0_x',
        name: 'n',
        adminTags: 'kd,kd-guild:1,kd-meeting:Abc123XYZ9',
        partnerData: null,
        durationSeconds: 60,
      },
      status: 'received',
      outcome: null,
      attempts: 0,
      processedAt: null,
      ...overrides,
    });

    it('stores an event once per id, also for concurrent repeats', async () => {
      const e = event();
      const before = await repository.count();
      const results = await Promise.all(Array.from({ length: 10 }, () => repository.insertIfAbsent(e)));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(results.every((r) => r.event.id === e.id)).toBe(true);
      expect(await repository.get(e.id)).toEqual(e);
      expect(await repository.count()).toBe(before + 1);
    });

    it('keeps the first copy when a repeat differs', async () => {
      const e = event();
      await repository.insertIfAbsent(e);
      const again = await repository.insertIfAbsent({ ...e, templateSystemName: 'changed' });
      expect(again).toEqual({ inserted: false, event: e });
    });

    it('counts processing attempts', async () => {
      const e = event();
      await repository.insertIfAbsent(e);
      await repository.recordAttempt(e.id);
      expect(await repository.recordAttempt(e.id)).toMatchObject({ attempts: 2 });
      expect(await repository.recordAttempt('job-unknown-1')).toBeNull();
    });

    it('completes an event once; a completed event stays as it is', async () => {
      const e = event();
      await repository.insertIfAbsent(e);
      const at = new Date();
      expect(await repository.complete(e.id, { status: 'processed', outcome: 'notified', at })).toBe(true);
      expect(await repository.complete(e.id, { status: 'failed', outcome: 'late', at })).toBe(false);
      expect(await repository.get(e.id)).toMatchObject({
        status: 'processed',
        outcome: 'notified',
        processedAt: at,
      });
    });

    it('lists events still received before a time, oldest first', async () => {
      const old = event({ receivedAt: new Date(Date.now() - 120_000) });
      const done = event({ receivedAt: new Date(Date.now() - 110_000) });
      const fresh = event({ receivedAt: new Date() });
      for (const e of [old, done, fresh]) await repository.insertIfAbsent(e);
      await repository.complete(done.id, { status: 'ignored', outcome: 'x', at: new Date() });
      const ids = (await repository.listReceived(new Date(Date.now() - 60_000), 1_000)).map((e) => e.id);
      expect(ids).toContain(old.id);
      expect(ids).not.toContain(done.id);
      expect(ids).not.toContain(fresh.id);
    });
  });
}
