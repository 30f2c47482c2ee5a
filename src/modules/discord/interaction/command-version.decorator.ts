import { SetMetadata } from '@nestjs/common';

/** Version metadata of a slash command, shown by `/kaltura-help`. */
export interface CommandVersionInfo {
  /** Semver of the command's interface (name, options, behaviour users rely on). */
  version: string;
  /** Set once the command is on its way out: since which version, and what to use instead. */
  deprecated?: { since: string; note: string };
}

const COMMAND_VERSION = 'kd:discord:command-version';
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;

/**
 * Puts version metadata on a slash command handler (next to `@SlashCommand`). A bad version fails at start-up,
 * not when someone asks for help.
 */
export function CommandVersion(
  version: string,
  deprecated?: CommandVersionInfo['deprecated'],
): MethodDecorator {
  if (!SEMVER.test(version)) throw new Error(`CommandVersion: "${version}" is not a semantic version`);
  if (deprecated && !SEMVER.test(deprecated.since)) {
    throw new Error(`CommandVersion: deprecated.since "${deprecated.since}" is not a semantic version`);
  }
  return SetMetadata<string, CommandVersionInfo>(COMMAND_VERSION, {
    version,
    ...(deprecated ? { deprecated } : {}),
  });
}

/** The version metadata of a handler, if it has any. */
export function commandVersionOf(handler: unknown): CommandVersionInfo | undefined {
  if (typeof handler !== 'function') return undefined;
  return Reflect.getMetadata(COMMAND_VERSION, handler) as CommandVersionInfo | undefined;
}
