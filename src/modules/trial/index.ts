/** Trial mode's public surface: the module (mounted only when `Settings.trial`) and the demo guild's ids. */
export { TrialModule } from './trial.module';
export { TRIAL_CHANNEL_ID, TRIAL_GUILD_ID, TRIAL_MEMBERS } from './trial.world';
export type { TrialMemberName } from './trial.world';
