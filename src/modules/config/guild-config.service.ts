import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../platform/errors';
import { ChannelAccess } from '../channels';
import { ConfigAuditLog } from './config-store.port';
import { ConfigDefaults } from './config-defaults';
import { assertGuildId } from './config.errors';
import { ConfigOverrides } from './config-overrides';
import { ConfigReader } from './config-reader';
import {
  CONFIG_SECTIONS,
  ConfigActor,
  ConfigAuditEntry,
  ConfigChange,
  ConfigProblem,
  ConfigSection,
  ConfigView,
  GuildConfig,
  JsonObject,
} from './config.types';
import { ConfigWriter } from './config-writer';
import { applyMergePatch, flatten, isPlainObject, valueAt } from './domain/config-merge';

/** Outcome of an update or reset: what changed (effective values, old → new) and the guild's view after it. */
export interface ConfigChangeResult {
  changes: ConfigChange[];
  /** False when the change was already in effect (nothing written, nothing audited). */
  written: boolean;
  view: ConfigView;
}

/** Channel form the schema accepts: an id, or a name without `#`, spaces or mention syntax. */
const CHANNEL_REF = /^(?:\d{17,20}|[^\s#@<>]{1,100})$/;

/**
 * The channel values a merge patch sets (`notifications.channels.*`), for the channel check. Values in another
 * form are left to the schema, which names them with its own message.
 */
export function channelRefsIn(patch: Record<string, unknown>): Array<{ field: string; ref: string }> {
  const notifications = patch.notifications;
  if (!isPlainObject(notifications)) return [];
  const channels = notifications.channels;
  if (!isPlainObject(channels)) return [];
  return Object.keys(channels).flatMap((key) => {
    const ref = channels[key];
    return typeof ref === 'string' && CHANNEL_REF.test(ref)
      ? [{ field: `notifications.channels.${key}`, ref }]
      : [];
  });
}

function assertSection(section: unknown, allowAll: boolean): void {
  const allowed: readonly string[] = allowAll ? [...CONFIG_SECTIONS, 'all'] : CONFIG_SECTIONS;
  if (typeof section !== 'string' || !allowed.includes(section)) {
    throw new ValidationFailedError(
      [{ field: 'section', message: `must be one of ${allowed.join(', ')}` }],
      'The configuration section is not valid.',
    );
  }
}

/**
 * Per-guild configuration: `config/default_config.json` deep-merged with the guild's override (objects
 * merged, arrays replaced), validated, cached with a TTL, hot-reloaded, audited. The one entry point for
 * every transport (slash commands, REST) and every module that reads a guild's settings.
 */
@Injectable()
export class GuildConfigService {
  constructor(
    private readonly reader: ConfigReader,
    private readonly writer: ConfigWriter,
    private readonly overrides: ConfigOverrides,
    private readonly defaultsSource: ConfigDefaults,
    private readonly audit: ConfigAuditLog,
    private readonly channels: ChannelAccess,
  ) {}

  /**
   * The guild's effective configuration (frozen: read it, do not change it). Never throws for a bad
   * override: the guild runs on its last good one (or the defaults). Throws `CONFIG_UNAVAILABLE` (503) only
   * when the store cannot be read and this replica has no copy of the guild's configuration.
   */
  async get(guildId: string): Promise<GuildConfig> {
    return this.reader.get(guildId);
  }

  /** The defaults every guild starts from (frozen). */
  defaults(): GuildConfig {
    return this.defaultsSource.config;
  }

  /** Effective values of the guild (or one section), each marked `default` or `override`, and any problem. */
  async view(guildId: string, section?: ConfigSection | null): Promise<ConfigView> {
    assertGuildId(guildId);
    if (section != null) assertSection(section, false);
    const entry = await this.reader.entry(guildId);
    const config = entry.config as unknown as JsonObject;
    const pick = (tree: JsonObject): JsonObject =>
      section ? (isPlainObject(tree[section]) ? { [section]: tree[section] } : {}) : tree;
    const shown = pick(config);
    return {
      guildId,
      section: section ?? null,
      version: entry.overrideVersion,
      config: structuredClone(shown),
      override: structuredClone(pick(entry.override)),
      entries: flatten(shown).map((leaf) => ({
        key: leaf.key,
        value: leaf.value,
        source: valueAt(entry.override, leaf.path) === undefined ? 'default' : 'override',
      })),
      problems: this.problems(guildId),
    };
  }

  /**
   * Applies a JSON merge patch (RFC 7396: objects merge, `null` removes the guild's value so the default
   * applies again) to the guild's override. The result is validated whole; on any error nothing is written
   * and `VALIDATION_FAILED` names every bad key.
   */
  async update(guildId: string, patch: unknown, actor: ConfigActor): Promise<ConfigChangeResult> {
    assertGuildId(guildId);
    if (!isPlainObject(patch)) {
      throw new ValidationFailedError(
        [{ field: '(body)', message: 'must be a JSON object (a merge patch of the configuration)' }],
        'The configuration change must be a JSON object.',
      );
    }
    // Every channel the patch routes notifications to must be one the bot may post in, of THIS guild.
    for (const { field, ref } of channelRefsIn(patch)) await this.channels.assertUsable(guildId, ref, field);
    const result = await this.writer.write(guildId, actor, 'update', (current) => {
      const next = applyMergePatch(current, patch);
      return isPlainObject(next) ? next : {};
    });
    return { changes: result.changes, written: result.written, view: await this.view(guildId) };
  }

  /** Drops the guild's override of one section, or of everything: the defaults apply again. */
  async reset(
    guildId: string,
    section: ConfigSection | 'all',
    actor: ConfigActor,
  ): Promise<ConfigChangeResult> {
    assertGuildId(guildId);
    assertSection(section, true);
    const result = await this.writer.write(guildId, actor, 'reset', (current) => {
      if (section === 'all') return {};
      const { [section]: _dropped, ...rest } = current;
      return rest;
    });
    return { changes: result.changes, written: result.written, view: await this.view(guildId) };
  }

  /** Why the guild does not run on what is stored (and whether the defaults file was refused), if so. */
  problems(guildId: string): ConfigProblem[] {
    return [this.defaultsSource.problem, this.overrides.problemOf(guildId)].filter(
      (p): p is ConfigProblem => p !== null,
    );
  }

  /** The guild's audited changes, newest first. */
  async history(guildId: string, limit = 20): Promise<ConfigAuditEntry[]> {
    assertGuildId(guildId);
    return this.audit.list(guildId, Math.min(Math.max(1, limit), 100));
  }
}
