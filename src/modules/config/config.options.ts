/** Tuning of the config module; tests shorten the times (override the `CONFIG_OPTIONS` provider). */
export interface ConfigModuleOptions {
  /** Lifetime of a cached effective config: the longest a change made behind the service's back goes unseen. */
  cacheTtlMs: number;
  /** Quiet time before a burst of file events triggers a reload. */
  reloadDebounceMs: number;
  /** Compare-and-set attempts before a write gives up with CONFIG_CONFLICT. */
  maxWriteAttempts: number;
}

export const CONFIG_OPTIONS = Symbol('CONFIG_OPTIONS');

export const DEFAULT_CONFIG_OPTIONS: ConfigModuleOptions = {
  cacheTtlMs: 60_000,
  reloadDebounceMs: 150,
  maxWriteAttempts: 5,
};
