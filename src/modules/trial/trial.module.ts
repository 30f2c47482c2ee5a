import { Module } from '@nestjs/common';
import { NotificationModule } from '../notification';
import { TrialController } from './trial.controller';
import { TrialSignIn } from './trial-sign-in.service';

/**
 * Trial mode (README "Try it"): the demo sign-in and the outbox view. The composition root mounts it only when
 * `Settings.trial` is on (development on embedded defaults); the notification module then binds its
 * `TrialOutbox`. Auth (global) gives the token services.
 */
@Module({
  imports: [NotificationModule],
  controllers: [TrialController],
  providers: [TrialSignIn],
})
export class TrialModule {}
