import { Connection, Model, Schema } from 'mongoose';
import { ConfigStoreConflictError, ConfigStoreCorruptError } from '../config.errors';
import { CONFIG_AUDIT_LIMITS, ConfigAuditLog, ConfigStore, StoredOverride } from '../config-store.port';
import type { ConfigAuditEntry, JsonObject } from '../config.types';

interface OverrideDoc {
  _id: string;
  /** The override as JSON text: role names used as map keys may contain `.` or start with `$`. */
  json: string;
  version: number;
  updatedAt: Date;
}

const overrideSchema = new Schema<OverrideDoc>(
  { _id: String, json: { type: String, required: true }, version: Number, updatedAt: Date },
  { collection: 'guild_config_overrides', versionKey: false },
);

interface AuditDoc {
  _id: string;
  guildId: string;
  at: Date;
  actor: ConfigAuditEntry['actor'];
  action: ConfigAuditEntry['action'];
  keys: string[];
  /** Changes as JSON text, for the same reason as overrides. */
  changes: string;
}

const auditSchema = new Schema<AuditDoc>(
  {
    _id: String,
    guildId: { type: String, index: true },
    at: Date,
    actor: { kind: String, id: String, name: String },
    action: String,
    keys: [String],
    changes: String,
  },
  { collection: 'guild_config_audit', versionKey: false },
);
auditSchema.index({ guildId: 1, at: -1 });

const DUPLICATE_KEY = 11000;

function modelOf<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** Overrides in MongoDB, one document per guild with an integer version for compare-and-set writes. */
export class MongoConfigStore extends ConfigStore {
  readonly kind = 'mongo' as const;
  private readonly model: Model<OverrideDoc>;

  constructor(connection: Connection) {
    super();
    this.model = modelOf(connection, 'GuildConfigOverride', overrideSchema);
  }

  async load(guildId: string): Promise<StoredOverride | null> {
    const doc = await this.model.findById(guildId).lean().exec();
    if (!doc) return null;
    try {
      return { data: JSON.parse(doc.json) as unknown, version: String(doc.version) };
    } catch (e) {
      throw new ConfigStoreCorruptError(guildId, (e as Error).message, String(doc.version));
    }
  }

  async save(guildId: string, override: JsonObject, expectedVersion: string | null): Promise<string> {
    const json = JSON.stringify(override);
    if (expectedVersion === null) {
      try {
        await this.model.create({ _id: guildId, json, version: 1, updatedAt: new Date() });
        return '1';
      } catch (e) {
        if ((e as { code?: number }).code === DUPLICATE_KEY) throw new ConfigStoreConflictError(guildId);
        throw e;
      }
    }
    const doc = await this.model
      .findOneAndUpdate(
        { _id: guildId, version: Number(expectedVersion) },
        { $set: { json, updatedAt: new Date() }, $inc: { version: 1 } },
        { new: true },
      )
      .lean()
      .exec();
    if (!doc) throw new ConfigStoreConflictError(guildId);
    return String(doc.version);
  }

  async remove(guildId: string, expectedVersion: string | null): Promise<void> {
    if (expectedVersion === null) {
      if (await this.model.exists({ _id: guildId })) throw new ConfigStoreConflictError(guildId);
      return;
    }
    const { deletedCount } = await this.model.deleteOne({ _id: guildId, version: Number(expectedVersion) });
    if (deletedCount !== 1) throw new ConfigStoreConflictError(guildId);
  }

  async list(): Promise<string[]> {
    return (await this.model.distinct('_id').exec()).map(String);
  }
}

/** The audit trail in MongoDB (`guild_config_audit`), indexed by guild and time. */
export class MongoConfigAuditLog extends ConfigAuditLog {
  private readonly model: Model<AuditDoc>;

  constructor(connection: Connection) {
    super();
    this.model = modelOf(connection, 'GuildConfigAudit', auditSchema);
  }

  async record(entry: ConfigAuditEntry): Promise<void> {
    await this.model.create({
      _id: entry.id,
      guildId: entry.guildId,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      keys: entry.keys,
      changes: JSON.stringify(entry.changes),
    });
    // Keep the newest `perGuild` entries: find the oldest one kept, drop everything older.
    const oldestKept = await this.model
      .find({ guildId: entry.guildId }, { at: 1 })
      .sort({ at: -1, _id: -1 })
      .skip(CONFIG_AUDIT_LIMITS.perGuild - 1)
      .limit(1)
      .lean()
      .exec();
    if (oldestKept.length > 0) {
      await this.model.deleteMany({ guildId: entry.guildId, at: { $lt: oldestKept[0].at } }).exec();
    }
  }

  async list(guildId: string, limit: number): Promise<ConfigAuditEntry[]> {
    const docs = await this.model.find({ guildId }).sort({ at: -1, _id: -1 }).limit(limit).lean().exec();
    return docs.map((d) => ({
      id: d._id,
      guildId: d.guildId,
      at: new Date(d.at),
      actor: { kind: d.actor.kind, id: d.actor.id, ...(d.actor.name ? { name: d.actor.name } : {}) },
      action: d.action,
      keys: [...d.keys],
      changes: JSON.parse(d.changes) as ConfigAuditEntry['changes'],
    }));
  }
}
