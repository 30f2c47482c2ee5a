import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Settings } from '../../platform/settings';
import { GuildConfig } from './config.types';

/**
 * Effective per-guild configuration. (Initial version: defaults only; overrides, validation, caching, hot
 * reload and audit arrive with the full config module behind this same API.)
 */
@Injectable()
export class GuildConfigService {
  private readonly defaults: GuildConfig;

  constructor(settings: Settings) {
    this.defaults = JSON.parse(readFileSync(join(settings.config.dir, 'default_config.json'), 'utf8')) as GuildConfig;
  }

  /** The guild's effective configuration. Never throws for a bad override: falls back to the last good one. */
  async get(guildId: string): Promise<GuildConfig> {
    void guildId;
    return structuredClone(this.defaults);
  }
}
