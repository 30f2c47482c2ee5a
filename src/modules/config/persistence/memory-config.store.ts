import { ConfigStoreConflictError, ConfigStoreCorruptError } from '../config.errors';
import { CONFIG_AUDIT_LIMITS, ConfigAuditLog, ConfigStore, StoredOverride } from '../config-store.port';
import type { ConfigAuditEntry, JsonObject } from '../config.types';

/** Overrides in process memory: for tests and tools (the service runs on files or MongoDB). */
export class MemoryConfigStore extends ConfigStore {
  readonly kind = 'memory' as const;
  // Kept as JSON text so that callers never share (and mutate) what is stored.
  private readonly rows = new Map<string, { text: string; version: number }>();
  private counter = 0;

  async load(guildId: string): Promise<StoredOverride | null> {
    const row = this.rows.get(guildId);
    if (!row) return null;
    try {
      return { data: JSON.parse(row.text) as unknown, version: String(row.version) };
    } catch (e) {
      throw new ConfigStoreCorruptError(guildId, (e as Error).message, String(row.version));
    }
  }

  async save(guildId: string, override: JsonObject, expectedVersion: string | null): Promise<string> {
    this.check(guildId, expectedVersion);
    const version = ++this.counter;
    this.rows.set(guildId, { text: JSON.stringify(override), version });
    return String(version);
  }

  async remove(guildId: string, expectedVersion: string | null): Promise<void> {
    this.check(guildId, expectedVersion);
    this.rows.delete(guildId);
  }

  async list(): Promise<string[]> {
    return [...this.rows.keys()];
  }

  /** Test hook: stores raw text as if written behind the service's back. */
  putRaw(guildId: string, text: string): void {
    this.rows.set(guildId, { text, version: ++this.counter });
  }

  private check(guildId: string, expectedVersion: string | null): void {
    const current = this.rows.get(guildId);
    const currentVersion = current ? String(current.version) : null;
    if (currentVersion !== expectedVersion) throw new ConfigStoreConflictError(guildId);
  }
}

/** Audit trail in process memory, the last `CONFIG_AUDIT_LIMITS.perGuild` changes per guild. */
export class MemoryConfigAuditLog extends ConfigAuditLog {
  static readonly MAX_PER_GUILD = CONFIG_AUDIT_LIMITS.perGuild;
  private readonly entries = new Map<string, ConfigAuditEntry[]>();

  async record(entry: ConfigAuditEntry): Promise<void> {
    const list = this.entries.get(entry.guildId) ?? [];
    list.push(structuredClone(entry));
    if (list.length > MemoryConfigAuditLog.MAX_PER_GUILD) list.shift();
    this.entries.set(entry.guildId, list);
  }

  async list(guildId: string, limit: number): Promise<ConfigAuditEntry[]> {
    const list = this.entries.get(guildId) ?? [];
    return list
      .slice(-limit)
      .reverse()
      .map((e) => structuredClone(e));
  }
}
