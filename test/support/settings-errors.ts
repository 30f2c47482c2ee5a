import { SettingsError, loadSettings } from '../../src/platform/settings/settings';

/** The `SettingsError` that `loadSettings(env)` throws; fails the test when it throws nothing or something else. */
export function settingsErrorOf(env: Record<string, string>): SettingsError {
  try {
    loadSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error('expected loadSettings to throw');
}
