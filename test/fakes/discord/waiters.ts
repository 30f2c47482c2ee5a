/** Something a waiter is waiting for: a value, or undefined/null/false while it is not there yet. */
export type Probe<T> = () => T | undefined | null | false;

interface Waiter {
  check: () => boolean;
  fail: (error: Error) => void;
}

/**
 * Re-evaluates pending probes whenever the fake's state changes (a REST call settled, a gateway event, a
 * dispatch), so tests wait for facts instead of sleeping.
 */
export class Waiters {
  private readonly pending = new Set<Waiter>();

  /** Resolves with the probe's first truthy value; rejects after `timeoutMs` with `description` in the message. */
  waitFor<T>(probe: Probe<T>, timeoutMs: number, description: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = probe();
          if (value instanceof Promise) {
            // A promise is always truthy: an async probe would "pass" at once and the test could never fail.
            done();
            reject(new Error(`waitFor(${description}): the probe must be synchronous, not return a promise`));
            return true;
          }
          if (value === undefined || value === null || value === false) return false;
          done();
          resolve(value);
          return true;
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(
        () =>
          waiter.fail(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${description}`)),
        timeoutMs,
      );
      const done = (): void => {
        clearTimeout(timer);
        this.pending.delete(waiter);
      };
      this.pending.add(waiter);
      try {
        waiter.check();
      } catch (error) {
        waiter.fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Re-checks every pending probe (a probe that throws rejects its waiter). */
  notify(): void {
    for (const waiter of [...this.pending]) {
      try {
        waiter.check();
      } catch (error) {
        waiter.fail(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** Rejects every pending waiter (on stop). */
  cancelAll(reason: string): void {
    for (const waiter of [...this.pending]) waiter.fail(new Error(`FakeDiscord: ${reason}`));
  }
}
