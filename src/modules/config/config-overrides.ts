import { Injectable, Logger } from '@nestjs/common';
import { ConfigStoreCorruptError, ConfigUnavailableError } from './config.errors';
import { ConfigStore } from './config-store.port';
import type { ConfigProblem, GuildConfig, JsonObject } from './config.types';
import { ConfigProblemSource } from './config.metrics';
import { validateOverride } from './domain/config-validation';

/** A guild's override as the service uses it. */
export interface ResolvedOverride {
  /** The override in force: what is stored, or the last good one (or nothing) when the stored one is bad. */
  override: JsonObject;
  /** Version of what is stored (also when it is bad: a write replaces exactly that). Null: nothing stored. */
  storedVersion: string | null;
  /** True when `override` is what is stored (false: running on a fallback). */
  current: boolean;
  problem: ConfigProblem | null;
  /** The store did not answer: `override` is this replica's last good copy, to be cached only briefly. */
  unavailable?: boolean;
}

/**
 * Reads overrides through the store port and never lets a bad one through: an unreadable or invalid stored
 * override is logged (once per version), reported as a problem, and replaced by the guild's last good
 * override, or by nothing (defaults) when there never was one.
 */
@Injectable()
export class ConfigOverrides extends ConfigProblemSource {
  private readonly logger = new Logger('config');
  private readonly lastGood = new Map<string, JsonObject>();
  private readonly problems = new Map<string, ConfigProblem & { version: string }>();

  constructor(private readonly store: ConfigStore) {
    super();
  }

  /** Reads and checks the stored override. Throws `ConfigUnavailableError` only when the store fails. */
  async resolve(guildId: string, defaults: GuildConfig): Promise<ResolvedOverride> {
    let stored;
    try {
      stored = await this.store.load(guildId);
    } catch (e) {
      if (e instanceof ConfigStoreCorruptError) {
        return this.fallback(guildId, e.version, 'unreadable', e.message, []);
      }
      this.logger.error({ err: (e as Error).message, guildId }, 'Config store read failed');
      const good = this.lastGood.get(guildId);
      // A store outage is not a bad override: keep serving what this replica last read, or refuse.
      if (!good) {
        throw new ConfigUnavailableError(
          'The server configuration cannot be read right now; try again shortly.',
        );
      }
      return { override: good, storedVersion: null, current: false, problem: null, unavailable: true };
    }
    if (!stored) {
      this.recovered(guildId);
      this.lastGood.set(guildId, {});
      return { override: {}, storedVersion: null, current: true, problem: null };
    }
    const result = validateOverride(stored.data, defaults);
    if (!result.ok) {
      const fields = result.errors.map((e) => e.field).join(', ');
      return this.fallback(
        guildId,
        stored.version,
        'invalid',
        `Stored override is invalid: ${fields}`,
        result.errors,
      );
    }
    this.recovered(guildId);
    this.lastGood.set(guildId, result.value);
    return { override: result.value, storedVersion: stored.version, current: true, problem: null };
  }

  /** Records what was just written, so it is the guild's last good override. */
  remember(guildId: string, override: JsonObject): void {
    this.recovered(guildId);
    this.lastGood.set(guildId, override);
  }

  /** Current problem of a guild, if any. */
  problemOf(guildId: string): ConfigProblem | null {
    const p = this.problems.get(guildId);
    return p ? withoutVersion(p) : null;
  }

  /** Every guild currently running on a fallback. */
  allProblems(): ConfigProblem[] {
    return [...this.problems.values()].map(withoutVersion);
  }

  problemCount(): number {
    return this.problems.size;
  }

  private fallback(
    guildId: string,
    version: string,
    kind: ConfigProblem['kind'],
    message: string,
    errors: ConfigProblem['errors'],
  ): ResolvedOverride {
    const good = this.lastGood.get(guildId);
    const previous = this.problems.get(guildId);
    const problem = {
      guildId,
      kind,
      message,
      errors,
      using: good && Object.keys(good).length > 0 ? ('last-good' as const) : ('defaults' as const),
      since: previous?.version === version ? previous.since : new Date().toISOString(),
      version,
    };
    if (previous?.version !== version) {
      this.logger.error(
        { event: 'config.override.rejected', guildId, kind, errors, using: problem.using },
        `Guild override rejected (${kind}); running on ${problem.using === 'last-good' ? 'its last good configuration' : 'defaults'}`,
      );
    }
    this.problems.set(guildId, problem);
    return { override: good ?? {}, storedVersion: version, current: false, problem: withoutVersion(problem) };
  }

  private recovered(guildId: string): void {
    if (this.problems.delete(guildId)) {
      this.logger.log({ event: 'config.override.recovered', guildId }, 'Guild override is valid again');
    }
  }
}

function withoutVersion(p: ConfigProblem & { version: string }): ConfigProblem {
  const { version: _version, ...rest } = p;
  return rest;
}
