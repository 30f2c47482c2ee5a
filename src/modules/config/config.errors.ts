import { ConflictError, UnavailableError, ValidationFailedError } from '../../platform/errors';
import type { FieldError } from '../../platform/errors';
import { isSnowflake } from './domain/config.schema';

/** Error codes of the config module (stable: clients match on them). */
export const CONFIG_ERROR_CODES = {
  invalid: 'VALIDATION_FAILED',
  conflict: 'CONFIG_CONFLICT',
  unavailable: 'CONFIG_UNAVAILABLE',
} as const;

/**
 * A configuration change that breaks a rule; every field error names the key. Nothing was written. The message
 * carries the reasons too: Discord replies show only the message.
 */
export class ConfigValidationError extends ValidationFailedError {
  constructor(errors: FieldError[]) {
    const reasons = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    super(errors, `Not saved. ${reasons.length > 1500 ? `${reasons.slice(0, 1499)}…` : reasons}`);
  }
}

/** Refuses anything but a Discord snowflake as a guild id (it also names an override file). */
export function assertGuildId(guildId: string): void {
  if (typeof guildId !== 'string' || !isSnowflake(guildId)) {
    throw new ValidationFailedError(
      [{ field: 'guildId', message: 'must be a Discord guild id (a snowflake of 17 to 20 digits)' }],
      'The guild id is not valid.',
    );
  }
}

/** Concurrent writers kept colliding; nothing of this change was written. */
export class ConfigConflictError extends ConflictError {
  constructor() {
    super(CONFIG_ERROR_CODES.conflict, 'The configuration was changed concurrently; try again.');
  }
}

/** The configuration store cannot be read or written right now. */
export class ConfigUnavailableError extends UnavailableError {
  constructor(message: string) {
    super(CONFIG_ERROR_CODES.unavailable, message);
  }
}

/** Thrown by stores: the stored override is not JSON. Carries no content, only where parsing failed. */
export class ConfigStoreCorruptError extends Error {
  constructor(
    readonly guildId: string,
    reason: string,
    /** Version of the unreadable content, so a write can replace it. */
    readonly version: string,
  ) {
    super(`Stored override of guild ${guildId} is not valid JSON: ${reason}`);
    this.name = 'ConfigStoreCorruptError';
  }
}

/** Thrown by stores when `expectedVersion` no longer matches: someone else wrote first. */
export class ConfigStoreConflictError extends Error {
  constructor(readonly guildId: string) {
    super(`Override of guild ${guildId} changed concurrently`);
    this.name = 'ConfigStoreConflictError';
  }
}
