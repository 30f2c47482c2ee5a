import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { CONFIG_AUDIT_LIMITS, ConfigAuditLog, ConfigStore } from './config-store.port';
import { ConfigDefaults } from './config-defaults';
import {
  ConfigConflictError,
  ConfigStoreConflictError,
  ConfigUnavailableError,
  ConfigValidationError,
  assertGuildId,
} from './config.errors';
import { ConfigInvalidationBus } from './config-invalidation.bus';
import { CONFIG_OPTIONS, ConfigModuleOptions } from './config.options';
import { ConfigOverrides } from './config-overrides';
import { ConfigReader } from './config-reader';
import {
  CONFIG_EVENTS,
  ConfigActor,
  ConfigAuditEntry,
  ConfigChange,
  JsonObject,
  JsonValue,
} from './config.types';
import { CONFIG_METRICS } from './config.metrics';
import { deepMerge, diffLeaves, jsonEqual, pruneDefaults } from './domain/config-merge';
import { validateConfig, validateOverride } from './domain/config-validation';
import { patchShapeErrors } from './domain/patch-limits';
import { KeyedMutex } from './keyed-mutex';

/** A value as the audit keeps it: itself, or its size when its JSON is longer than the audit keeps. */
export function auditValue(value: JsonValue): JsonValue {
  const size = JSON.stringify(value).length;
  return size <= CONFIG_AUDIT_LIMITS.valueChars
    ? value
    : `(${size} characters of JSON, not kept in the audit)`;
}

/** What a write did. */
export interface WriteResult {
  changes: ConfigChange[];
  version: string | null;
  /** False when the change was already in effect: nothing was written or audited. */
  written: boolean;
}

/**
 * Every change of a guild's override goes through here: one at a time per guild in this process, and
 * compare-and-set against the store across processes (retried on a collision), so concurrent changes to
 * different keys all survive. A change is validated whole before anything is written; the write is atomic;
 * then it is audited, cached, announced to the other replicas and emitted as `config.changed`.
 */
@Injectable()
export class ConfigWriter {
  private readonly logger = new Logger('config');
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly defaults: ConfigDefaults,
    private readonly store: ConfigStore,
    private readonly overrides: ConfigOverrides,
    private readonly reader: ConfigReader,
    private readonly audit: ConfigAuditLog,
    private readonly bus: ConfigInvalidationBus,
    @InjectMetric(CONFIG_METRICS.changes) private readonly changesTotal: Counter<string>,
    @Inject(CONFIG_OPTIONS) private readonly options: ConfigModuleOptions,
    @Optional() private readonly events?: EventEmitter2,
  ) {}

  /** Applies `change` to the guild's current override (a copy) and stores the result, minus the defaults. */
  write(
    guildId: string,
    actor: ConfigActor,
    action: ConfigAuditEntry['action'],
    change: (current: JsonObject) => JsonObject,
  ): Promise<WriteResult> {
    assertGuildId(guildId);
    return this.mutex.run(guildId, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(guildId, actor, action, change);
        } catch (e) {
          if (!(e instanceof ConfigStoreConflictError)) throw e;
          if (attempt >= this.options.maxWriteAttempts) throw new ConfigConflictError();
          await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        }
      }
    });
  }

  private async attempt(
    guildId: string,
    actor: ConfigActor,
    action: ConfigAuditEntry['action'],
    change: (current: JsonObject) => JsonObject,
  ): Promise<WriteResult> {
    const defaults = this.defaults.config as unknown as JsonObject;
    const resolved = await this.overrides.resolve(guildId, this.defaults.config);
    if (resolved.unavailable) {
      throw new ConfigUnavailableError(
        'The server configuration cannot be read right now; nothing was changed.',
      );
    }
    const proposed = change(structuredClone(resolved.override));
    // Checked before pruning walks it: `change` may come from any caller.
    const shape = patchShapeErrors(proposed);
    if (shape.length > 0) throw new ConfigValidationError(shape);
    const checked = validateOverride(pruneDefaults(proposed, defaults), this.defaults.config);
    if (!checked.ok) throw new ConfigValidationError(checked.errors);
    // What is stored is exactly the schema's output, never the tree it was given.
    const next = checked.value;
    const before = deepMerge(defaults, resolved.override);
    const after = deepMerge(defaults, next);
    const whole = validateConfig(after);
    if (!whole.ok) throw new ConfigValidationError(whole.errors);
    // A bad stored override is replaced even by a no-op change: that is how an admin repairs it.
    if (resolved.current && jsonEqual(next, resolved.override)) {
      return { changes: [], version: resolved.storedVersion, written: false };
    }

    let version: string | null = null;
    try {
      if (Object.keys(next).length === 0) await this.store.remove(guildId, resolved.storedVersion);
      else version = await this.store.save(guildId, next, resolved.storedVersion);
    } catch (e) {
      if (e instanceof ConfigStoreConflictError) throw e;
      this.logger.error({ err: (e as Error).message, guildId }, 'Config store write failed');
      throw new ConfigUnavailableError('The configuration could not be saved; nothing was changed.');
    }

    const changes = diffLeaves(before, after);
    this.overrides.remember(guildId, next);
    await this.reader.written(guildId, next, version);
    await this.record({
      id: randomUUID(),
      guildId,
      at: new Date(),
      actor,
      action,
      keys: changes.map((c) => c.key),
      changes: changes.map((c) => ({ key: c.key, old: auditValue(c.old), new: auditValue(c.new) })),
    });
    this.changesTotal.inc({ source: action });
    await this.bus.publish({ guildId, version, keys: changes.map((c) => c.key) });
    try {
      this.events?.emit(CONFIG_EVENTS.changed, { guildId, source: action, keys: changes.map((c) => c.key) });
    } catch (e) {
      this.logger.error({ err: (e as Error).message, guildId }, 'A config.changed listener failed');
    }
    return { changes, version, written: true };
  }

  /** Stores the audit entry and logs it as a structured event (log pipelines ship `event: config.changed`). */
  private async record(entry: ConfigAuditEntry): Promise<void> {
    this.logger.log(
      {
        event: CONFIG_EVENTS.changed,
        auditId: entry.id,
        guildId: entry.guildId,
        actor: entry.actor,
        action: entry.action,
        keys: entry.keys,
        changes: entry.changes,
      },
      `Guild configuration ${entry.action === 'reset' ? 'reset' : 'changed'}: ${entry.keys.join(', ') || 'no effective change'}`,
    );
    try {
      await this.audit.record(entry);
    } catch (e) {
      // The change is written and the log line above carries the full audit record.
      this.logger.error(
        { err: (e as Error).message, auditId: entry.id, guildId: entry.guildId },
        'Audit store write failed',
      );
    }
  }
}
