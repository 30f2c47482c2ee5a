import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuildConfig } from '../../src/modules/config';

/** Rewrites the `limits` of an auth world's default configuration (before the app boots). */
export function setDefaultLimits(configDir: string, limits: GuildConfig['limits']): void {
  const file = join(configDir, 'default_config.json');
  const defaults = JSON.parse(readFileSync(file, 'utf8')) as GuildConfig;
  defaults.limits = limits;
  writeFileSync(file, JSON.stringify(defaults, null, 2));
}

export { ROOMY_LIMITS } from '../support/full-app';
