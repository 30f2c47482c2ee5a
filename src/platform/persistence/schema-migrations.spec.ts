import { MONGO_MIGRATIONS } from './mongo-migrations';
import {
  Migration,
  MigrationClock,
  SchemaCollection,
  SchemaMigrator,
  SchemaState,
  SchemaTooNewError,
} from './schema-migrations';

type Doc = SchemaState & { _id: string };

/** The driver calls the runner makes, with MongoDB's semantics for them (single document, atomic each). */
class FakeSchemaCollection implements SchemaCollection {
  doc: Doc | null = null;
  async findOne(filter: { _id: string }): Promise<Doc | null> {
    return this.doc && this.doc._id === filter._id ? structuredClone(this.doc) : null;
  }
  async insertOne(doc: Doc): Promise<unknown> {
    if (this.doc) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
    this.doc = structuredClone(doc);
    return {};
  }
  async updateOne(
    filter: { _id: string; lockedUntil?: { $lt: Date }; lockedBy?: string },
    update: { $set: Partial<SchemaState>; $push?: { history: SchemaState['history'][number] } },
  ): Promise<{ matchedCount: number }> {
    const d = this.doc;
    if (
      !d ||
      d._id !== filter._id ||
      (filter.lockedUntil && !(d.lockedUntil < filter.lockedUntil.$lt)) ||
      (filter.lockedBy !== undefined && d.lockedBy !== filter.lockedBy)
    ) {
      return { matchedCount: 0 };
    }
    Object.assign(d, structuredClone(update.$set));
    if (update.$push) d.history.push(structuredClone(update.$push.history));
    return { matchedCount: 1 };
  }
}

class FakeClock implements MigrationClock {
  t = 1_000_000;
  sleeps: number[] = [];
  onSleep: () => void = () => {};
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    this.onSleep();
  }
}

const step = (version: number, log: string[]): Migration<string[]> => ({
  version,
  name: `step ${version}`,
  up: async (ctx) => void ctx.push(`up ${version}`, ...log.splice(0)),
});

describe('SchemaMigrator', () => {
  let collection: FakeSchemaCollection;
  let clock: FakeClock;
  beforeEach(() => {
    collection = new FakeSchemaCollection();
    clock = new FakeClock();
  });

  it('applies every migration in order on an empty database and records each, then releases the lock', async () => {
    const applied: string[] = [];
    const migrator = new SchemaMigrator(collection, [step(1, []), step(2, [])], { clock, owner: 'a' });
    expect(await migrator.migrate(applied)).toEqual({ from: 0, to: 2 });
    expect(applied).toEqual(['up 1', 'up 2']);
    expect(collection.doc).toMatchObject({ version: 2, lockedBy: null, lockedUntil: new Date(0) });
    expect(collection.doc!.history.map((h) => [h.version, h.name, h.by])).toEqual([
      [1, 'step 1', 'a'],
      [2, 'step 2', 'a'],
    ]);
  });

  it('applies only what is pending, and nothing when up to date', async () => {
    await new SchemaMigrator(collection, [step(1, [])], { clock }).migrate([]);
    const applied: string[] = [];
    const two = new SchemaMigrator(collection, [step(1, []), step(2, [])], { clock });
    expect(await two.migrate(applied)).toEqual({ from: 1, to: 2 });
    expect(applied).toEqual(['up 2']);
    const again: string[] = [];
    expect(await two.migrate(again)).toEqual({ from: 2, to: 2 });
    expect(again).toEqual([]);
  });

  it('refuses a schema newer than the release (forward only)', async () => {
    await new SchemaMigrator(collection, [step(1, []), step(2, [])], { clock }).migrate([]);
    const old = new SchemaMigrator(collection, [step(1, [])], { clock });
    await expect(old.migrate([])).rejects.toThrow(SchemaTooNewError);
    await expect(old.migrate([])).rejects.toThrow(/version 2, this release knows up to 1/);
  });

  it('waits for another replica holding the lock, then finds its work done', async () => {
    collection.doc = {
      _id: 'schema',
      version: 0,
      lockedBy: 'other',
      lockedUntil: new Date(clock.t + 60_000),
      history: [],
    };
    // The other replica finishes after the second poll.
    clock.onSleep = () => {
      if (clock.sleeps.length === 2) Object.assign(collection.doc!, { version: 1, lockedBy: null });
    };
    const applied: string[] = [];
    const migrator = new SchemaMigrator(collection, [step(1, [])], { clock, pollMs: 500 });
    expect(await migrator.migrate(applied)).toEqual({ from: 0, to: 1 });
    expect(applied).toEqual([]);
    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('takes over a lock whose lease expired (its holder died)', async () => {
    collection.doc = {
      _id: 'schema',
      version: 0,
      lockedBy: 'dead',
      lockedUntil: new Date(clock.t + 1_000),
      history: [],
    };
    const applied: string[] = [];
    const migrator = new SchemaMigrator(collection, [step(1, [])], { clock, owner: 'b', pollMs: 600 });
    expect(await migrator.migrate(applied)).toEqual({ from: 0, to: 1 });
    expect(applied).toEqual(['up 1']);
    expect(clock.sleeps).toEqual([600, 600]);
    expect(collection.doc!.history[0].by).toBe('b');
  });

  it('gives up after waitMs on a lock that never frees, naming why', async () => {
    collection.doc = {
      _id: 'schema',
      version: 0,
      lockedBy: 'other',
      lockedUntil: new Date(clock.t + 3_600_000),
      history: [],
    };
    const migrator = new SchemaMigrator(collection, [step(1, [])], { clock, waitMs: 5_000, pollMs: 1_000 });
    await expect(migrator.migrate([])).rejects.toThrow(/held the schema migration lock for 5 s/);
    expect(clock.sleeps).toHaveLength(5);
  });

  it('keeps the version of the last migration that succeeded, releases the lock, and retries from there', async () => {
    const failing: Migration<string[]> = {
      version: 2,
      name: 'fails',
      up: async () => {
        throw new Error('index build failed');
      },
    };
    const migrator = new SchemaMigrator(collection, [step(1, []), failing], { clock });
    await expect(migrator.migrate([])).rejects.toThrow('index build failed');
    expect(collection.doc).toMatchObject({ version: 1, lockedBy: null });
    const applied: string[] = [];
    await new SchemaMigrator(collection, [step(1, []), step(2, [])], { clock }).migrate(applied);
    expect(applied).toEqual(['up 2']);
  });

  it('refuses migrations not numbered 1, 2, 3 … (a gap or a reordering is a mistake)', () => {
    expect(() => new SchemaMigrator(collection, [step(1, []), step(3, [])])).toThrow(/numbered 1, 2, 3/);
  });

  it('ships migrations numbered from 1 with names', () => {
    expect(MONGO_MIGRATIONS.map((m) => m.version)).toEqual(MONGO_MIGRATIONS.map((_m, i) => i + 1));
    for (const m of MONGO_MIGRATIONS) expect(m.name).toMatch(/\w/);
  });
});
