import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** One forward step of the stored schema. `up` must be safe to run again (a replica may die half-way). */
export interface Migration<C> {
  version: number;
  name: string;
  up(context: C): Promise<void>;
}

/** The schema's state as stored (one document, `_id: 'schema'`, in `schema_migrations`). */
export interface SchemaState {
  version: number;
  lockedBy: string | null;
  lockedUntil: Date;
  history: Array<{ version: number; name: string; appliedAt: Date; by: string }>;
}

/**
 * The subset of the MongoDB driver's collection API the runner uses, so a unit test can hand it an in-memory fake
 * and the Mongo contract test the real collection.
 */
export interface SchemaCollection {
  findOne(filter: { _id: string }): Promise<(SchemaState & { _id: string }) | null>;
  insertOne(doc: SchemaState & { _id: string }): Promise<unknown>;
  updateOne(
    filter: { _id: string; lockedUntil?: { $lt: Date }; lockedBy?: string },
    update: {
      $set: Partial<SchemaState>;
      $push?: { history: SchemaState['history'][number] };
    },
  ): Promise<{ matchedCount: number }>;
}

/** Clock and waits, injectable so the lock wait is tested without sleeping. */
export interface MigrationClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: MigrationClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The stored schema is newer than this release knows: a rollback past a migration, which is not supported. */
export class SchemaTooNewError extends Error {
  constructor(stored: number, known: number) {
    super(
      `The database schema is at version ${stored}, this release knows up to ${known}: ` +
        'deploy the release that migrated it (or newer); migrations only go forward',
    );
    this.name = 'SchemaTooNewError';
  }
}

export interface SchemaMigratorOptions {
  /** How long a replica may hold the migration lock before another may take it over (it died). */
  leaseMs?: number;
  /** How long a replica waits for another one's migration before giving up (and failing start-up). */
  waitMs?: number;
  pollMs?: number;
  clock?: MigrationClock;
  owner?: string;
}

const ID = 'schema';
const DUPLICATE_KEY = 11000;

/**
 * Brings the stored schema to the newest version this release knows, at start-up, before the service serves:
 * one replica applies the pending migrations in order under a lease lock and records each; the others wait for
 * it. A schema newer than the release refuses to start (forward only).
 */
export class SchemaMigrator<C> {
  private readonly log = new Logger('persistence');
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly clock: MigrationClock;
  private readonly owner: string;
  private readonly latest: number;

  constructor(
    private readonly collection: SchemaCollection,
    private readonly migrations: ReadonlyArray<Migration<C>>,
    options: SchemaMigratorOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 10 * 60_000;
    this.waitMs = options.waitMs ?? 15 * 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.clock = options.clock ?? realClock;
    this.owner = options.owner ?? randomUUID();
    const versions = migrations.map((m) => m.version);
    if (versions.some((v, i) => v !== i + 1)) {
      throw new Error(`Migrations must be numbered 1, 2, 3 … in order; got ${versions.join(', ')}`);
    }
    this.latest = versions.length;
  }

  /** Applies what is pending; resolves with the versions before and after. */
  async migrate(context: C): Promise<{ from: number; to: number }> {
    const deadline = this.clock.now() + this.waitMs;
    const from = (await this.collection.findOne({ _id: ID }))?.version ?? 0;
    for (;;) {
      const current = (await this.collection.findOne({ _id: ID }))?.version ?? 0;
      if (current > this.latest) throw new SchemaTooNewError(current, this.latest);
      if (current === this.latest) return { from, to: current };
      if (await this.tryLock()) {
        try {
          await this.applyPending(context);
        } finally {
          await this.collection.updateOne(
            { _id: ID, lockedBy: this.owner },
            { $set: { lockedBy: null, lockedUntil: new Date(0) } },
          );
        }
        continue;
      }
      if (this.clock.now() >= deadline) {
        throw new Error(
          `Another replica has held the schema migration lock for ${Math.round(this.waitMs / 1000)} s; ` +
            'check its logs (its lease expires on its own if it died)',
        );
      }
      await this.clock.sleep(this.pollMs);
    }
  }

  private async applyPending(context: C): Promise<void> {
    // Read again under the lock: another replica may have finished while this one waited for it.
    const current = (await this.collection.findOne({ _id: ID }))?.version ?? 0;
    for (const migration of this.migrations.filter((m) => m.version > current)) {
      this.log.log(`Schema migration ${migration.version} (${migration.name}): applying`);
      await migration.up(context);
      const appliedAt = new Date(this.clock.now());
      const { matchedCount } = await this.collection.updateOne(
        { _id: ID, lockedBy: this.owner },
        {
          $set: { version: migration.version },
          $push: { history: { version: migration.version, name: migration.name, appliedAt, by: this.owner } },
        },
      );
      // The lease ran out and another replica took over: stop here, it carries on from what is recorded.
      if (matchedCount === 0) throw new Error('Lost the schema migration lock (lease expired) mid-way');
      this.log.log(`Schema migration ${migration.version} (${migration.name}): done`);
    }
  }

  /** Takes the lease if it is free or expired; creates the state document on first use. */
  private async tryLock(): Promise<boolean> {
    const now = this.clock.now();
    const lease = { lockedBy: this.owner, lockedUntil: new Date(now + this.leaseMs) };
    const { matchedCount } = await this.collection.updateOne(
      { _id: ID, lockedUntil: { $lt: new Date(now) } },
      { $set: lease },
    );
    if (matchedCount === 1) return true;
    if (await this.collection.findOne({ _id: ID })) return false;
    try {
      await this.collection.insertOne({ _id: ID, version: 0, history: [], ...lease });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === DUPLICATE_KEY) return false;
      throw err;
    }
  }
}
