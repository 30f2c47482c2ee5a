import { FSWatcher, readFileSync, watch } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Settings } from '../../platform/settings';
import type { ConfigProblem, GuildConfig } from './config.types';
import { deepFreeze } from './domain/config-merge';
import { validateConfig } from './domain/config-validation';
import { versionOf } from './persistence/file-config.store';

export const DEFAULTS_FILE = 'default_config.json';

/** Reads and checks a defaults file; throws an error naming the file and every bad key. */
export function readDefaults(path: string): { config: GuildConfig; version: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the default configuration ${path} (CONFIG_DIR): ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`The default configuration ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const result = validateConfig(data);
  if (!result.ok) {
    const list = result.errors.map((e) => `${e.field} ${e.message}`).join('; ');
    throw new Error(`The default configuration ${path} is invalid: ${list}`);
  }
  return { config: deepFreeze(result.value), version: versionOf(text) };
}

/**
 * `CONFIG_DIR/default_config.json`: read and validated at start-up (a bad file stops the service, naming the
 * key), then watched. A valid edit replaces the defaults for every guild; a bad edit is logged, reported as a
 * problem, and ignored. The whole directory is watched because Kubernetes swaps ConfigMap files via symlinks.
 */
@Injectable()
export class ConfigDefaults implements OnModuleDestroy {
  private readonly logger = new Logger('config');
  readonly path: string;
  private state: { config: GuildConfig; version: string };
  private failure: ConfigProblem | null = null;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;

  constructor(settings: Settings) {
    this.path = resolve(join(settings.config.dir, DEFAULTS_FILE));
    this.state = readDefaults(this.path);
  }

  /** The current defaults (frozen). */
  get config(): GuildConfig {
    return this.state.config;
  }

  /** Changes whenever the defaults do; part of every cache entry. */
  get version(): string {
    return this.state.version;
  }

  /** Why the last edit of the defaults file was ignored, if it was. */
  get problem(): ConfigProblem | null {
    return this.failure;
  }

  /** Calls `onChange` after each valid change of the defaults file. */
  watch(onChange: () => void, debounceMs = 150): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(resolve(this.path, '..'), { persistent: false }, () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          if (this.reload()) onChange();
        }, debounceMs);
        this.timer.unref();
      });
      this.watcher.on('error', (err) =>
        this.logger.warn({ err: err.message }, 'Watching the defaults failed'),
      );
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'The default configuration is not watched');
    }
  }

  /** Re-reads the file; true when the defaults changed. */
  reload(): boolean {
    try {
      const next = readDefaults(this.path);
      if (this.failure)
        this.logger.log({ event: 'config.defaults.recovered' }, 'Default configuration is valid again');
      this.failure = null;
      if (next.version === this.state.version) return false;
      this.state = next;
      this.logger.log(
        { event: 'config.defaults.reloaded', version: next.version },
        'Default configuration reloaded',
      );
      return true;
    } catch (e) {
      const message = (e as Error).message;
      if (this.failure?.message !== message) {
        this.logger.error(
          { event: 'config.defaults.invalid', err: message },
          'Default configuration change ignored',
        );
      }
      this.failure = {
        guildId: null,
        kind: 'invalid',
        message,
        errors: [],
        using: 'last-good',
        since: this.failure?.since ?? new Date().toISOString(),
      };
      return false;
    }
  }

  onModuleDestroy(): void {
    this.watcher?.close();
    clearTimeout(this.timer);
  }
}
