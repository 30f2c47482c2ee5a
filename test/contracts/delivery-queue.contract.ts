import {
  DeliveryQueue,
  DropJobError,
  JobContext,
  QueueJob,
  RetryJobError,
} from '../../src/modules/notification';

/** A queue under test plus a way to clean up after it. */
export interface QueueUnderTest {
  queue: DeliveryQueue;
  close: () => Promise<void>;
}

async function until(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Waits until `queue` holds no job (waiting, delayed or running): the positive marker "nothing more will run"
 * checks wait for. A job that wrongly runs again (a retry after success or after `DropJobError`, a duplicate
 * not collapsed) is still counted, so the check after it sees the extra run.
 */
async function drained(queue: DeliveryQueue, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while ((await queue.depth()) !== 0) {
    if (Date.now() > end) throw new Error('Timed out waiting for the queue to drain');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * What every delivery queue must do (in-process and BullMQ alike): run each job at least once and, for one
 * job id, never twice at the same time nor again after success; retry failures with backoff, honour a
 * requested delay, stop on `DropJobError`. The handler, not the queue, guarantees exactly-once effects.
 * `make` is called once per test and must return a fresh, empty queue (retry policy: base ≤ 50 ms, ≥ 3 attempts).
 */
export function deliveryQueueContract(name: string, make: () => Promise<QueueUnderTest>): void {
  describe(`delivery queue contract: ${name}`, () => {
    let current: QueueUnderTest | null = null;
    const fresh = async () => (current = await make());
    afterEach(async () => {
      await current?.close();
      current = null;
    });

    it('runs a job once, with its record, even when it is added several times', async () => {
      const { queue } = await fresh();
      const runs: QueueJob[] = [];
      queue.start(async (job) => {
        runs.push(job);
      });
      const job = {
        kind: 'delivery' as const,
        id: 'n1',
        record: { id: 'n1', createdAt: '2024-01-01T00:00:00.000Z' },
      };
      await Promise.all([queue.enqueue(job, { delayMs: 100 }), queue.enqueue(job), queue.enqueue(job)]);
      await until(() => runs.length >= 1, 10_000, 'the job to run');
      await drained(queue);
      expect(runs).toEqual([job]);
    });

    it('keeps kinds apart: an event and a delivery with the same id are two jobs', async () => {
      const { queue } = await fresh();
      const runs: string[] = [];
      queue.start(async (job) => {
        runs.push(`${job.kind}:${job.id}`);
      });
      await queue.enqueue({ kind: 'event', id: 'same' });
      await queue.enqueue({ kind: 'delivery', id: 'same' });
      await until(() => runs.length === 2);
      expect(runs.sort()).toEqual(['delivery:same', 'event:same']);
    });

    it('waits the requested delay before the first run', async () => {
      const { queue } = await fresh();
      let ranAt = 0;
      queue.start(async () => {
        ranAt = Date.now();
      });
      const added = Date.now();
      await queue.enqueue({ kind: 'delivery', id: 'late' }, { delayMs: 400 });
      await until(() => ranAt > 0);
      expect(ranAt - added).toBeGreaterThanOrEqual(380);
    });

    it('retries a failing job with increasing attempt numbers until it succeeds', async () => {
      const { queue } = await fresh();
      const attempts: number[] = [];
      queue.start(async (_job, ctx: JobContext) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('transient');
      });
      await queue.enqueue({ kind: 'delivery', id: 'flaky' });
      await until(() => attempts.length === 3);
      await drained(queue);
      expect(attempts).toEqual([1, 2, 3]);
    });

    it('stops on DropJobError', async () => {
      const { queue } = await fresh();
      let runs = 0;
      queue.start(async () => {
        runs++;
        throw new DropJobError('permanent');
      });
      await queue.enqueue({ kind: 'delivery', id: 'dead' });
      await until(() => runs === 1);
      await drained(queue);
      expect(runs).toBe(1);
    });

    it('honours the delay a RetryJobError asks for', async () => {
      const { queue } = await fresh();
      const times: number[] = [];
      queue.start(async () => {
        times.push(Date.now());
        if (times.length === 1) throw new RetryJobError('rate limited', 600);
      });
      await queue.enqueue({ kind: 'delivery', id: 'rl' });
      await until(() => times.length === 2);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(580);
    });

    it('counts waiting and delayed jobs in depth, reports readiness', async () => {
      const { queue } = await fresh();
      await queue.enqueue({ kind: 'delivery', id: 'd1' }, { delayMs: 60_000 });
      await queue.enqueue({ kind: 'delivery', id: 'd2' }, { delayMs: 60_000 });
      expect(await queue.depth()).toBe(2);
      expect(await queue.check()).toMatchObject({ kind: queue.kind });
    });

    it('runs a finished job again only when asked to replace it', async () => {
      const { queue } = await fresh();
      let runs = 0;
      queue.start(async () => {
        runs++;
      });
      await queue.enqueue({ kind: 'delivery', id: 'again' });
      await until(() => runs === 1);
      await drained(queue); // finished, not still running: only a finished job may be replaced
      await queue.enqueue({ kind: 'delivery', id: 'again' }, { replaceFinished: true });
      await until(() => runs === 2);
    });

    it('never runs one job id on two workers at once', async () => {
      const { queue } = await fresh();
      let active = 0;
      let overlap = false;
      let runs = 0;
      queue.start(async () => {
        if (++active > 1) overlap = true;
        await new Promise((r) => setTimeout(r, 50)); // the job takes a while: a second worker could overlap it
        active--;
        runs++;
      });
      for (let i = 0; i < 5; i++) await queue.enqueue({ kind: 'delivery', id: 'solo' });
      await until(() => runs >= 1);
      await drained(queue);
      expect(overlap).toBe(false);
      expect(runs).toBe(1);
    });
  });
}
