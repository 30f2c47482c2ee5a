import { Logger } from '@nestjs/common';
import { DropJobError, QueueJob, RetryJobError } from './delivery-queue.port';
import { InProcessDeliveryQueue } from './in-process-delivery.queue';

beforeAll(() => Logger.overrideLogger(false));

const policy = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, jitter: 0 };
const make = (concurrency = 2) =>
  new InProcessDeliveryQueue({ concurrency, attempts: 3, policy, closeTimeoutMs: 1_000 });
const until = async (check: () => boolean | Promise<boolean>, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('InProcessDeliveryQueue', () => {
  it('collapses a job added twice and runs it once', async () => {
    const queue = make();
    const runs: string[] = [];
    queue.start(async (job) => {
      runs.push(job.id);
    });
    await queue.enqueue({ kind: 'delivery', id: 'x' }, { delayMs: 20 });
    await queue.enqueue({ kind: 'delivery', id: 'x' });
    await until(() => runs.length === 1);
    // Nothing left queued (the delayed copy included) that could run it again.
    await until(async () => (await queue.depth()) === 0);
    expect(runs).toEqual(['x']);
    await queue.close();
  });

  it('retries failures up to its attempt limit, stops on DropJobError, honours the requested delay', async () => {
    const queue = make();
    const attempts: Record<string, number[]> = { a: [], b: [], c: [] };
    const times: number[] = [];
    queue.start(async (job: QueueJob, ctx) => {
      attempts[job.id].push(ctx.attempt);
      if (job.id === 'a') throw new Error('boom');
      if (job.id === 'b') throw new DropJobError('no');
      times.push(Date.now());
      if (ctx.attempt === 1) throw new RetryJobError('later', 60);
    });
    for (const id of ['a', 'b', 'c']) await queue.enqueue({ kind: 'delivery', id });
    await until(() => attempts.a.length === 3 && attempts.c.length === 2);
    expect(attempts).toEqual({ a: [1, 2, 3], b: [1], c: [1, 2] });
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(55);
    await queue.close();
  });

  it('never runs more jobs at once than its concurrency', async () => {
    const queue = make(2);
    let active = 0;
    let peak = 0;
    let done = 0;
    queue.start(async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 10)); // the job takes a while, so that jobs could overlap
      active--;
      done++;
    });
    for (let i = 0; i < 6; i++) await queue.enqueue({ kind: 'delivery', id: String(i) });
    await until(() => done === 6);
    expect(peak).toBe(2);
    await queue.close();
  });

  it('waits for a running job on close and refuses new ones', async () => {
    const queue = make();
    let finished = false;
    queue.start(async () => {
      await new Promise((r) => setTimeout(r, 50)); // a job still running when close() is called
      finished = true;
    });
    await queue.enqueue({ kind: 'event', id: 'slow' });
    await until(() => queue['running'] === 1);
    await queue.close();
    expect(finished).toBe(true);
    await expect(queue.enqueue({ kind: 'event', id: 'late' })).rejects.toThrow('closed');
  });
});
