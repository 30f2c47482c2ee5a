import type { ConfigAuditEntry, JsonObject } from './config.types';

/** A guild's stored override as the store holds it: not yet validated. */
export interface StoredOverride {
  data: unknown;
  /** Opaque; changes on every write. Pass it back to `save`/`remove` to write only over what was read. */
  version: string;
}

/** Called with a guild id whose override changed outside this process, or `*` when the store cannot say which. */
export type OverrideChangeListener = (guildId: string) => void;

/**
 * Where guild overrides live (port; adapters: files under `CONFIG_DIR/overrides`, MongoDB, memory for tests).
 * Writes are compare-and-set on the version so that concurrent writers (other replicas) never lose an update.
 */
export abstract class ConfigStore {
  abstract readonly kind: 'file' | 'mongo' | 'memory';

  /** The stored override, or null. Throws `ConfigStoreCorruptError` when it is not JSON. */
  abstract load(guildId: string): Promise<StoredOverride | null>;

  /**
   * Replaces the override, atomically, if the stored version is still `expectedVersion` (null: none stored).
   * Throws `ConfigStoreConflictError` otherwise, writing nothing. Returns the new version.
   */
  abstract save(guildId: string, override: JsonObject, expectedVersion: string | null): Promise<string>;

  /** Removes the override under the same compare-and-set rule (removing what is not there is a no-op). */
  abstract remove(guildId: string, expectedVersion: string | null): Promise<void>;

  /** Guild ids that have an override. */
  abstract list(): Promise<string[]>;

  /** Reports changes made behind the service's back (files edited on disk). Returns an unsubscribe function. */
  watch(listener: OverrideChangeListener): () => void {
    void listener;
    return () => undefined;
  }

  /** Stops watchers; the store is not used afterwards. */
  async close(): Promise<void> {}
}

/**
 * Bounds of the audit trail: every adapter keeps at most `perGuild` entries per guild (the oldest go first), and
 * the writer keeps an old or new value only up to `valueChars` characters of JSON (a longer one is recorded as
 * its size), so an admin making changes in a loop cannot grow the store without limit.
 */
export const CONFIG_AUDIT_LIMITS = { perGuild: 1_000, valueChars: 4_096 } as const;

/** The audit trail of configuration changes (port; adapters: memory, MongoDB). */
export abstract class ConfigAuditLog {
  abstract record(entry: ConfigAuditEntry): Promise<void>;

  /** A guild's changes, newest first. */
  abstract list(guildId: string, limit: number): Promise<ConfigAuditEntry[]>;
}
