import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

/** What `claim` found: the right to start, or the meeting an identical recent start made. */
export type StartClaim = { kind: 'claimed'; token: string } | { kind: 'existing'; meetingId: string };

/** How long a claim may stay pending (a start that died mid-way frees its key after this). */
export const START_PENDING_MS = 30_000;
/** How often a waiter looks again at a start another replica has in flight. */
const POLL_MS = 100;
/** Redis key prefix of the duplicate guard (`kd:meetings:start:<hash>`). */
export const START_KEY_PREFIX = 'kd:meetings:start:';

/** Another identical start is still in flight after `START_PENDING_MS`. */
export class StartStillPendingError extends Error {}

/**
 * The duplicate-start guard: at most one start per key (guild, channel, host, title) in flight, and for `windowMs`
 * after it the key names the meeting it made. Callers that find a start in flight wait for it.
 */
export interface StartDeduplicator {
  claim(key: string): Promise<StartClaim>;
  /** The claimed start made `meetingId`: identical starts get it for `windowMs`. */
  settle(key: string, token: string, meetingId: string, windowMs: number): Promise<void>;
  /** The claimed start failed: the next start is a new one. */
  release(key: string, token: string): Promise<void>;
  /** The meeting the key names has ended: the next start is a new one. */
  forget(key: string, meetingId: string): Promise<void>;
}

type Entry =
  | { kind: 'pending'; token: string; done: Promise<void>; resolve: () => void; expiresAt: number }
  | { kind: 'settled'; token: string; meetingId: string; expiresAt: number };

/** One process: waiters await the start in flight (no polling). */
export class MemoryStartDeduplicator implements StartDeduplicator {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string): Promise<StartClaim> {
    for (;;) {
      this.sweep();
      const entry = this.entries.get(key);
      if (!entry) {
        const token = randomUUID();
        let resolve!: () => void;
        const done = new Promise<void>((r) => (resolve = r));
        this.entries.set(key, {
          kind: 'pending',
          token,
          done,
          resolve,
          expiresAt: this.now() + START_PENDING_MS,
        });
        return { kind: 'claimed', token };
      }
      if (entry.kind === 'settled') return { kind: 'existing', meetingId: entry.meetingId };
      await entry.done;
    }
  }

  async settle(key: string, token: string, meetingId: string, windowMs: number): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || entry.token !== token) return;
    this.entries.set(key, { kind: 'settled', token, meetingId, expiresAt: this.now() + windowMs });
    if (entry.kind === 'pending') entry.resolve();
  }

  async release(key: string, token: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || entry.token !== token) return;
    this.entries.delete(key);
    if (entry.kind === 'pending') entry.resolve();
  }

  async forget(key: string, meetingId: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry?.kind === 'settled' && entry.meetingId === meetingId) this.entries.delete(key);
  }

  /** Drops expired entries (a pending one is woken: its waiters then claim anew). */
  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) continue;
      this.entries.delete(key);
      if (entry.kind === 'pending') entry.resolve();
    }
  }
}

// Compare-and-set/delete on the token, so a start never overwrites or frees another start's key.
const SETTLE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return nil`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
const FORGET = `local v = redis.call('get', KEYS[1]) if v and string.sub(v, 1, 8) == 'meeting:' and string.sub(v, -#ARGV[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Across replicas: `SET NX PX` takes the key (`pending:<token>`), settling stores `meeting:<token>:<id>`.
 * A replica that finds a pending start polls until it settles, is released or expires. While Redis is not
 * ready, starts fall back to the in-process guard (duplicates are then caught per replica only).
 */
export class RedisStartDeduplicator implements StartDeduplicator {
  private readonly log = new Logger('meetings');
  private readonly fallback: MemoryStartDeduplicator;

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.fallback = new MemoryStartDeduplicator(now);
  }

  async claim(key: string): Promise<StartClaim> {
    if (this.redis.status !== 'ready') return this.fallback.claim(key);
    const redisKey = START_KEY_PREFIX + key;
    const token = randomUUID();
    const deadline = this.now() + START_PENDING_MS;
    try {
      for (;;) {
        const taken = await this.redis.set(redisKey, `pending:${token}`, 'PX', START_PENDING_MS, 'NX');
        if (taken === 'OK') return { kind: 'claimed', token: `redis:${token}` };
        const value = await this.redis.get(redisKey);
        const settled = value?.startsWith('meeting:') ? value.split(':') : null;
        if (settled?.length === 3) return { kind: 'existing', meetingId: settled[2] };
        if (this.now() >= deadline) throw new StartStillPendingError();
        await this.sleep(POLL_MS);
      }
    } catch (err) {
      if (err instanceof StartStillPendingError) throw err;
      this.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'Duplicate-start guard: Redis failed; guarding in this process only',
      );
      return this.fallback.claim(key);
    }
  }

  async settle(key: string, token: string, meetingId: string, windowMs: number): Promise<void> {
    if (!token.startsWith('redis:')) return this.fallback.settle(key, token, meetingId, windowMs);
    const id = token.slice('redis:'.length);
    await this.redis
      .eval(SETTLE, 1, START_KEY_PREFIX + key, `pending:${id}`, `meeting:${id}:${meetingId}`, windowMs)
      .catch((err: unknown) =>
        this.log.warn({ err: String(err) }, 'Duplicate-start guard: could not settle'),
      );
  }

  async release(key: string, token: string): Promise<void> {
    if (!token.startsWith('redis:')) return this.fallback.release(key, token);
    const id = token.slice('redis:'.length);
    await this.redis
      .eval(RELEASE, 1, START_KEY_PREFIX + key, `pending:${id}`)
      .catch((err: unknown) =>
        this.log.warn({ err: String(err) }, 'Duplicate-start guard: could not release'),
      );
  }

  async forget(key: string, meetingId: string): Promise<void> {
    await this.fallback.forget(key, meetingId);
    if (this.redis.status !== 'ready') return;
    await this.redis
      .eval(FORGET, 1, START_KEY_PREFIX + key, `:${meetingId}`)
      .catch((err: unknown) =>
        this.log.warn({ err: String(err) }, 'Duplicate-start guard: could not forget'),
      );
  }
}
